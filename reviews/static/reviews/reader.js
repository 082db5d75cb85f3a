// The article reader: turn a mouse selection into body offsets, show the tag form at the selection,
// and open a claim's panel when its highlight is clicked. htmx does every request; this file only
// reads the selection, which htmx cannot do.
//
// Every text segment of the body is one element with data-s, the code-point offset of its first
// character in the stored body (see reviews/highlight.py). Offsets are code points, as in Python,
// so characters outside the BMP count once even though JavaScript strings count them twice.
(function () {
  "use strict";

  const form = document.getElementById("tag-form");
  let selectedClaim = null;

  function text() {
    return document.getElementById("article-text");
  }

  function cpLength(s) {
    let n = 0;
    for (const _ of s) n++; // iterates code points
    return n;
  }

  function segmentEnd(seg) {
    return Number(seg.dataset.s) + cpLength(seg.textContent);
  }

  // Map a DOM boundary point (node, offset) inside the body to a code-point offset into the body.
  function toOffset(container, node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      const seg = node.parentElement.closest("[data-s]");
      if (!seg || !container.contains(seg)) return null;
      return Number(seg.dataset.s) + cpLength(node.data.slice(0, offset));
    }
    if (node.matches && node.matches("[data-s]")) {
      return offset === 0 ? Number(node.dataset.s) : segmentEnd(node);
    }
    // An element boundary: before child number `offset`, or at the very end.
    const child = node.childNodes[offset];
    if (child) {
      const seg = child.matches && child.matches("[data-s]") ? child : child.querySelector && child.querySelector("[data-s]");
      if (seg) return Number(seg.dataset.s);
    }
    const segs = node.querySelectorAll ? node.querySelectorAll("[data-s]") : [];
    return segs.length ? segmentEnd(segs[segs.length - 1]) : null;
  }

  function cpSlice(s, start, end) {
    return Array.from(s).slice(start, end).join("");
  }

  function hideForm() {
    form.hidden = true;
    document.getElementById("tag-error").textContent = "";
  }

  function showForm(range, start, end, quote) {
    form.elements.start.value = start;
    form.elements.end.value = end;
    form.elements.quote.value = quote;
    const shown = quote.length > 140 ? quote.slice(0, 137) + "…" : quote;
    document.getElementById("tag-quote").textContent = "“" + shown + "”";
    document.getElementById("tag-error").textContent = "";
    const rect = range.getBoundingClientRect();
    form.hidden = false;
    const width = form.offsetWidth;
    const left = Math.max(8, Math.min(window.scrollX + rect.left, window.scrollX + document.documentElement.clientWidth - width - 8));
    form.style.left = left + "px";
    form.style.top = window.scrollY + rect.bottom + 8 + "px";
    form.elements.category.focus({ preventScroll: true });
  }

  function onSelectionDone() {
    const container = text();
    const sel = window.getSelection();
    if (!container || !sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    const range = sel.getRangeAt(0);
    if (!range.intersectsNode(container)) return;
    const startInside = container.contains(range.startContainer);
    const endInside = container.contains(range.endContainer);
    const full = container.textContent;
    const start = startInside ? toOffset(container, range.startContainer, range.startOffset) : 0;
    const end = endInside ? toOffset(container, range.endContainer, range.endOffset) : cpLength(full);
    if (start === null || end === null || end <= start) return;
    // What the person selected, exactly; the server checks it against the stored text.
    const quote = startInside && endInside ? sel.toString() : cpSlice(full, start, end);
    if (!quote.trim()) return;
    showForm(range, start, end, quote);
  }

  function markSelected() {
    const container = text();
    if (!container) return;
    if (selectedClaim === null && container.dataset.selected) selectedClaim = container.dataset.selected;
    container.querySelectorAll(".hl-selected").forEach((el) => el.classList.remove("hl-selected"));
    if (selectedClaim === null) return;
    container.querySelectorAll("mark[data-claims]").forEach((el) => {
      if (el.dataset.claims.split(" ").includes(String(selectedClaim))) el.classList.add("hl-selected");
    });
  }

  function openClaim(id) {
    selectedClaim = String(id);
    markSelected();
    const url = text().dataset.claimUrl.replace(/0\/$/, id + "/");
    htmx.ajax("GET", url, { target: "#claim-panel", swap: "outerHTML" });
  }

  document.addEventListener("mouseup", (event) => {
    if (form.contains(event.target)) return;
    // Let the browser finish updating the selection first.
    setTimeout(() => {
      const sel = window.getSelection();
      if (!sel || sel.isCollapsed) {
        hideForm();
        return;
      }
      onSelectionDone();
    }, 0);
  });

  document.addEventListener("keyup", (event) => {
    if (event.key === "Escape") {
      hideForm();
      return;
    }
    if (event.shiftKey && !form.contains(event.target)) onSelectionDone();
  });

  // One delegated listener for every highlight and claim link, present and future.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest(".claim-list a[data-claim]");
    if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      openClaim(link.dataset.claim);
      return;
    }
    const mark = event.target.closest && event.target.closest("#article-text mark[data-claims]");
    const hint = !mark && event.target.closest && event.target.closest("#article-text [data-sg]");
    if (!mark && !hint) return;
    const sel = window.getSelection();
    if (sel && !sel.isCollapsed) return; // the person is selecting, not clicking
    if (mark) {
      openClaim(mark.dataset.claims.split(" ")[0]);
      return;
    }
    // An underlined suggestion: show it in the list of suggestions, where it is accepted or dismissed.
    const item = document.getElementById("suggestion-" + hint.dataset.sg.split(" ")[0]);
    if (!item) return;
    document.querySelectorAll(".suggestion.sg-focus").forEach((el) => el.classList.remove("sg-focus"));
    item.classList.add("sg-focus");
    item.scrollIntoView({ block: "center" });
  });

  document.getElementById("tag-cancel").addEventListener("click", () => {
    hideForm();
    window.getSelection().removeAllRanges();
  });

  document.body.addEventListener("claimsChanged", (event) => {
    const detail = event.detail || {};
    if ("claim" in detail) selectedClaim = detail.claim === null ? null : String(detail.claim);
    hideForm();
    const sel = window.getSelection();
    if (sel) sel.removeAllRanges();
  });

  document.body.addEventListener("htmx:afterSwap", markSelected);
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const panel = document.getElementById("claim-panel");
    if (panel && panel.dataset.claim && event.detail.target && event.detail.target.id === "claim-panel") {
      selectedClaim = panel.dataset.claim;
      markSelected();
    }
  });
  markSelected();
})();
