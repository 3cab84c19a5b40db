/* Enhancements for every page; without them the contents stay open and the share button hidden. */
(function () {
  "use strict";

  // Table of contents: open on wide screens, folded on phones so the article starts near the top.
  var toc = document.querySelector("details[data-toc]");
  if (toc && window.matchMedia("(max-width: 40rem)").matches) {
    toc.open = false;
  }

  // Share: the system share sheet where there is one, otherwise copy the link.
  var share = document.querySelector("[data-share]");
  if (!share) { return; }
  var button = share.querySelector("button");
  var status = share.querySelector("[data-share-status]");
  var url = share.getAttribute("data-share-url") || window.location.href;
  var title = share.getAttribute("data-share-title") || document.title;
  if (!navigator.share && !(navigator.clipboard && window.isSecureContext)) { return; }
  if (!navigator.share) { button.textContent = "Copy link to this article"; }
  share.hidden = false;

  function say(text) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  button.addEventListener("click", function () {
    if (navigator.share) {
      navigator.share({ title: title, url: url }).catch(function () { /* dismissed: nothing to say */ });
      return;
    }
    navigator.clipboard.writeText(url).then(
      function () { say("Link copied. Paste it into a message or email."); },
      function () { say("The link could not be copied. It is: " + url); }
    );
  });
})();
