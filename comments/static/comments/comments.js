// Reply in place (without JavaScript, "Reply" loads ?replyto=<id>); the form's time comes from reader.js.
(function () {
  "use strict";
  var form = document.getElementById("comment-form");
  if (!form) { return; }
  (window.readerState || Promise.resolve(null)).then(function (data) {
    var stamp = form.querySelector("input[name='timestamp']");
    if (data && data.comments && stamp && !stamp.value) { stamp.value = data.comments.timestamp; }
  });
  var home = document.createComment("comment-form-home");
  form.parentNode.insertBefore(home, form);
  var parentInput = form.querySelector("input[name='parent']");
  var heading = document.getElementById("comment-form-heading");
  var cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "comment-cancel-reply-button";
  cancel.textContent = "Cancel reply";
  cancel.hidden = true;
  heading.insertAdjacentElement("afterend", cancel);

  function reset() {
    parentInput.value = "";
    heading.textContent = heading.getAttribute("data-default-heading");
    cancel.hidden = true;
    home.parentNode.insertBefore(form, home.nextSibling);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.comment-reply");
    if (!link) { return; }
    var item = link.closest("li.comment");
    if (!item || !parentInput) { return; }
    event.preventDefault();
    parentInput.value = item.id.replace("comment-", "");
    heading.textContent = "Reply to " + item.querySelector(".comment-author").textContent;
    cancel.hidden = false;
    item.querySelector(".comment-inner").insertAdjacentElement("afterend", form);
    var replying = form.querySelector(".comment-replying");
    if (replying) { replying.remove(); }
    form.querySelector("textarea").focus();
  });
  cancel.addEventListener("click", reset);
})();
