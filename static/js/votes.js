// Votes without a page reload. Without JavaScript the forms post and the server sends
// the visitor back to the same place in the list; with it, the vote block is replaced
// by the server's rendering of the new state, and the focus stays on the chosen button.
(function () {
  "use strict";

  function replaceBlock(block, html, choice) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var fresh = template.content.firstElementChild;
    block.replaceWith(fresh);
    var focus = fresh.querySelector(
      choice ? 'button[value="' + choice + '"]' : "button.vote-button"
    );
    if (focus) {
      focus.focus();
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("vote-form") || !window.fetch ||
        form.dataset.posting === "browser") {
      return;
    }
    event.preventDefault();
    var block = form.closest(".vote-block");
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.set(event.submitter.name, event.submitter.value);
    }
    var submitter = event.submitter;
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (button) { button.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          throw new Error("not json");
        }
        return response.json().then(function (payload) {
          return { ok: response.ok, payload: payload };
        });
      })
      .then(function (result) {
        if (result.ok) {
          replaceBlock(block, result.payload.html, result.payload.choice);
        } else {
          buttons.forEach(function (button) { button.disabled = false; });
          form.querySelector(".vote-status").textContent = result.payload.error;
        }
      })
      .catch(function () {
        // Anything unexpected (a lost connection, a login page, a 429): let the
        // browser post the form itself, with the button that was chosen: a form
        // posted without it would send no choice, which removes the vote.
        buttons.forEach(function (button) { button.disabled = false; });
        form.dataset.posting = "browser";
        if (submitter && form.requestSubmit) {
          form.requestSubmit(submitter);
        } else {
          var choice = document.createElement("input");
          choice.type = "hidden";
          choice.name = "choice";
          choice.value = submitter ? submitter.value : "";
          form.appendChild(choice);
          form.submit();
        }
      });
  });
})();
