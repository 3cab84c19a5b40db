from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import editor, views
from .feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from .sitemaps import ArticleSitemap, HomeSitemap, TopicSitemap

app_name = "articles"

sitemaps = {"home": HomeSitemap, "articles": ArticleSitemap, "topics": TopicSitemap}

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<str:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("topics/<str:slug>/", views.topic_detail, name="topic"),
    path("search/", views.search, name="search"),
    path("feed/", LatestArticlesFeed(), name="feed"),
    path("feed/atom/", LatestArticlesAtomFeed(), name="feed-atom"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("editor/markdown/preview/", editor.preview, name="editor-preview"),
    path("editor/markdown/upload/", editor.upload, name="editor-upload"),
]
