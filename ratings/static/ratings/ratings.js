/* Star ratings: send the vote with fetch, update the figures in place, announce the result.
   Without this script the form still works (the site asks to confirm the vote). */
(function () {
  "use strict";

  function setUp(form) {
    var figures = form.querySelector("[data-rating-figures]");
    var status = form.querySelector("[data-rating-status]");
    var yours = form.querySelector("[data-rating-yours]");
    var yourScore = form.querySelector("[data-rating-your-score]");
    var pointerChoice = false;
    var sending = false;

    function show(data) {
      figures.textContent = data.display;
      form.querySelectorAll("input[name=score]").forEach(function (radio) {
        radio.checked = data.your_score !== null && Number(radio.value) === data.your_score;
      });
      if (data.your_score) {
        yourScore.textContent = String(data.your_score);
        yours.hidden = false;
      } else {
        yours.hidden = true;
      }
    }

    function announce(text) {
      // Clear first so the same message is announced again.
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    // Live figures and this reader's own vote (articles/reader.js also fills the form's token).
    var readerState = window.readerState || Promise.resolve(null);
    readerState.then(function (data) {
      if (data && data.rating) { show(data.rating); }
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (sending) { return; }
      if (!form.querySelector("input[name=score]:checked")) {
        announce("Choose from 1 to 5 stars, then send your rating.");
        return;
      }
      sending = true;
      form.setAttribute("aria-busy", "true");
      var body = new FormData(form); // the star chosen now, before the reader's state may reset it
      readerState.then(function () {
        var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
        return fetch(form.action, {
          method: "POST",
          body: body,
          headers: { Accept: "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
          credentials: "same-origin",
        });
      })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (result) {
          if (result.ok) {
            show(result.data);
            announce(result.data.message);
          } else {
            announce(result.data.error || "Your rating was not saved. Please try again.");
          }
        })
        .catch(function () { announce("Your rating was not saved: the connection failed. Please try again."); })
        .then(function () {
          sending = false;
          form.removeAttribute("aria-busy");
        });
    });

    // A click on a star sends the vote at once. Arrow keys only move the choice
    // (so a keyboard user is not sending a vote per step); Enter or Space sends it.
    form.addEventListener("pointerdown", function (event) {
      pointerChoice = Boolean(event.target.closest(".rating-star, .rating-input"));
    });
    form.addEventListener("change", function (event) {
      if (pointerChoice && event.target.name === "score") {
        pointerChoice = false;
        form.requestSubmit();
      }
    });
    form.addEventListener("keydown", function (event) {
      if (event.target.name === "score" && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        event.target.checked = true;
        form.requestSubmit();
      }
    });
  }

  document.querySelectorAll("form[data-rating-form]").forEach(setUp);
})();
