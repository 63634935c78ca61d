// Votes without a page reload. Without JavaScript the forms post and the server sends
// the visitor back to the same place in the list; with it, the server answers the new
// state as data (the choice, what the block says of it, the counts in words and the
// bar's segments: proposals.vote_summary) and the block is redrawn from it, the focus
// staying on the chosen button.
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function bar(segments) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "vote-bar");
    svg.setAttribute("viewBox", "0 0 100 4");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("width", "100%");
    svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var shapes = [{ key: "empty", x: "0", width: "100" }].concat(segments);
    shapes.forEach(function (segment) {
      var rect = document.createElementNS(SVG, "rect");
      rect.setAttribute("x", segment.x);
      rect.setAttribute("y", "0");
      rect.setAttribute("width", segment.width);
      rect.setAttribute("height", "4");
      rect.setAttribute("class", "vote-" + segment.key);
      svg.appendChild(rect);
    });
    return svg;
  }

  function counts(labels) {
    var paragraph = element("p", "vote-counts small mb-0");
    labels.forEach(function (label, index) {
      var key = element("span", "vote-key vote-key-" + label.key, label.text);
      if (label.share) {
        key.appendChild(document.createTextNode(" "));
        key.appendChild(element("span", "share", "(" + label.share + ")"));
      }
      paragraph.appendChild(key);
      if (index < labels.length - 1) {
        paragraph.appendChild(document.createTextNode(" · "));
      }
    });
    return paragraph;
  }

  function redraw(block, payload, submitter) {
    var summary = block.querySelector(".vote-summary");
    if (summary) {
      summary.replaceChildren.apply(
        summary,
        payload.summary.empty
          ? [element("p", "vote-counts small mb-0 no-votes", payload.summary.empty)]
          : [bar(payload.summary.bar), counts(payload.summary.counts)]
      );
    }
    block.querySelectorAll("button.vote-button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.value === payload.choice));
    });
    var remove = block.querySelector("button.vote-remove");
    if (remove) {
      remove.hidden = !payload.choice;
    }
    block.querySelector(".vote-status").textContent = payload.said;
    var focus = payload.choice ? submitter : block.querySelector("button.vote-button");
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
        buttons.forEach(function (button) { button.disabled = false; });
        if (result.ok) {
          redraw(block, result.payload, submitter);
        } else {
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
