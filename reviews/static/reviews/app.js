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
  document.body.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr.status;
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
  });
  document.body.addEventListener("htmx:sendError", () => {
    document.body.dispatchEvent(new CustomEvent("htmx:responseError", { detail: { xhr: { status: 0 } } }));
  });
})();
