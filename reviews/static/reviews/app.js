// Site-wide: when an htmx request is refused (404 gone or not yours, 403, 409 changed meanwhile,
// 5xx), say so instead of silently leaving the page as it was.
(function () {
  "use strict";
  const messages = {
    403: "You are not allowed to do that.",
    404: "That item no longer exists or is not yours; reload the page to see the current state.",
    409: "Someone changed this meanwhile; what you see now is the current state.",
    0: "The server could not be reached; nothing was saved. Try again.",
  };

  function show(status) {
    const text = messages[status] || "Something went wrong (" + status + "); nothing was saved. Try again.";
    let list = document.querySelector("ul.messages");
    if (!list) {
      list = document.createElement("ul");
      list.className = "messages";
      document.querySelector("main").before(list);
    }
    const item = document.createElement("li");
    item.className = "msg msg-error";
    item.setAttribute("role", "alert");
    item.textContent = text;
    list.replaceChildren(item);
  }

  // A 409 carries the current state and is swapped in (see the htmx-config meta tag), which removes
  // the element that sent the request, so its later error event never reaches the body: say it here.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 409) show(409);
  });
  document.body.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr.status;
    if (status !== 409) show(status);
  });
  document.body.addEventListener("htmx:sendError", () => show(0));
})();
