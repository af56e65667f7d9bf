// Gopy's one script, for the version page. Without it everything still
// works (each passage has a "comment on this passage" link, and pages
// reload); with it, a selection becomes the comment's quote, and comments
// and answers by others appear without reloading.
(function () {
  "use strict";
  var review = document.getElementById("review");
  if (!review) { return; }
  var report = review.getAttribute("data-report");
  var version = review.getAttribute("data-version");

  // --- A selection in a passage becomes the comment's anchor -------------
  var form = document.getElementById("comment-form");
  function field(id) { return document.getElementById(id); }
  // Offsets count characters (code points), as the server does, not the
  // UTF-16 units JavaScript strings are made of.
  function chars(text) { return Array.from(text).length; }
  function blockOf(node) {
    while (node && node !== document) {
      if (node.nodeType === 1 && node.hasAttribute("data-block") && node.classList.contains("block")) { return node; }
      node = node.parentNode;
    }
    return null;
  }
  function choose(block, start, end, quote) {
    field("comment-block").value = block || "";
    field("comment-start").value = start === null ? "" : String(start);
    field("comment-end").value = end === null ? "" : String(end);
    field("comment-quote").value = quote || "";
    var chosen = field("comment-chosen");
    chosen.textContent = quote ? chosen.getAttribute("data-prefix") + " «" + quote + "»" : chosen.getAttribute("data-none");
    var section = form.closest(".new-comment");
    if (section) { section.classList.toggle("has-passage", !!quote); }
  }
  function onSelection() {
    if (!form) { return; }
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) { return; }
    var range = selection.getRangeAt(0);
    var block = blockOf(range.startContainer);
    if (!block || block !== blockOf(range.endContainer)) { return; }
    var body = block.querySelector(".block-body");
    if (!body || !body.contains(range.startContainer)) { return; }
    var quote = range.toString();
    if (!quote.trim()) { return; }
    if (block.hasAttribute("data-table")) {
      // A table's text joins its cells with tabs the page does not show:
      // send the quote alone and let the server find it.
      choose(block.getAttribute("data-block"), null, null, quote.trim());
      return;
    }
    var before = document.createRange();
    before.setStart(body, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var start = chars(before.toString());
    choose(block.getAttribute("data-block"), start, start + chars(quote), quote);
  }
  document.addEventListener("mouseup", onSelection);
  document.addEventListener("keyup", function (e) { if (e.shiftKey) { onSelection(); } });
  var clear = field("comment-clear");
  if (clear) { clear.addEventListener("click", function () { choose("", null, null, ""); }); }

  // --- Others' comments and answers appear as they are made ------------------
  if (!window.EventSource) { return; }
  function place(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var wrapper = holder.firstElementChild;
    if (!wrapper) { return; }
    var counts = wrapper.getAttribute("data-counts");
    if (counts) { var c = document.getElementById("comment-counts"); if (c) { c.textContent = counts; } }
    var thread = wrapper.querySelector(".thread");
    if (!thread) { return; }
    var existing = document.getElementById(thread.id);
    if (existing) {
      // Keep a form someone is typing in open rather than redraw under them.
      if (existing.contains(document.activeElement) && document.activeElement.tagName === "TEXTAREA") { return; }
      existing.replaceWith(thread);
      return;
    }
    var block = thread.getAttribute("data-block") || "";
    var list = document.querySelector('[data-comments-for="' + block + '"]');
    if (list) { list.appendChild(thread); }
  }
  var source = new EventSource("/reports/" + report + "/events");
  source.addEventListener("change", function (event) {
    var change;
    try { change = JSON.parse(event.data); } catch (e) { return; }
    fetch("/comments/" + change.thread + "/card?version=" + version, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (html) { place(html); } });
  });
  source.addEventListener("reload", function () { window.location.reload(); });
})();
