from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import editor, reader, views
from .caching import LISTS, shared_page
from .feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from .sitemaps import ArticleSitemap, HomeSitemap, TopicSitemap

app_name = "articles"

sitemaps = {"home": HomeSitemap, "articles": ArticleSitemap, "topics": TopicSitemap}

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<str:slug>/", views.article_detail, name="detail"),
    path("articles/<str:slug>/reader/", reader.reader_state, name="reader"),
    path("topics/<str:slug>/", views.topic_detail, name="topic"),
    path("search/", views.search, name="search"),
    path("feed/", shared_page(LatestArticlesFeed(), tags=[LISTS]), name="feed"),
    path("feed/atom/", shared_page(LatestArticlesAtomFeed(), tags=[LISTS]), name="feed-atom"),
    path("sitemap.xml", shared_page(sitemap, tags=[LISTS]), {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("editor/markdown/preview/", editor.preview, name="editor-preview"),
    path("editor/markdown/upload/", editor.upload, name="editor-upload"),
]
