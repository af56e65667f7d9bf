// Gopy's one script, for the version page and a passage's page. Without it
// everything still works (each passage links to its own page of threads,
// each has a "comment on this passage" link, and pages reload); with it, a
// passage's threads open in place, a selection becomes the comment's quote,
// and comments and answers by others appear where the reader is.
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
  document.addEventListener("touchend", function () { window.setTimeout(onSelection, 0); });
  document.addEventListener("keyup", function (e) { if (e.shiftKey) { onSelection(); } });
  var clear = field("comment-clear");
  if (clear) { clear.addEventListener("click", function () { choose("", null, null, ""); }); }

  // --- A passage's threads open in place -----------------------------------
  function container(passage) { return document.querySelector('[data-comments-for="' + passage + '"]'); }
  function fetchHtml(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html-fragment" } })
      .then(function (r) { return r.ok ? r.text() : ""; });
  }
  function fragmentUrl(url) { return url + (url.indexOf("?") < 0 ? "?" : "&") + "fragment=1"; }
  function parse(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    return holder.firstElementChild;
  }
  // Puts a page of threads into a list, leaving out those already shown
  // (a live update may have put one there first).
  function fill(list, html) {
    var page = parse(html);
    if (!page) { return; }
    Array.prototype.slice.call(page.children).forEach(function (child) {
      if (child.id && document.getElementById(child.id)) { return; }
      list.appendChild(child);
    });
  }
  function open(passage) {
    var list = container(passage);
    var link = document.querySelector('[data-passage-link="' + passage + '"]');
    if (!list || !link) { return Promise.resolve(); }
    if (list.classList.contains("open")) { return Promise.resolve(); }
    return fetchHtml(fragmentUrl(link.getAttribute("href"))).then(function (html) {
      if (!html) { return; }
      list.textContent = "";
      fill(list, html);
      list.classList.add("open");
      link.classList.add("is-open");
      link.setAttribute("aria-expanded", "true");
    });
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("a") : null;
    if (!target) { return; }
    var passage = target.getAttribute("data-passage-link");
    if (passage) {
      event.preventDefault();
      var list = container(passage);
      if (list && list.classList.contains("open")) {
        // Closing hides the threads; opening again shows what was loaded.
        var hidden = list.hasAttribute("hidden");
        if (hidden) { list.removeAttribute("hidden"); } else { list.setAttribute("hidden", ""); }
        target.setAttribute("aria-expanded", hidden ? "true" : "false");
        return;
      }
      open(passage);
      return;
    }
    var more = target.getAttribute("data-fragment");
    if (more) {
      event.preventDefault();
      var paragraph = target.closest(".more-threads");
      var list2 = target.closest("[data-comments-for]");
      fetchHtml(more).then(function (html) {
        if (!html || !list2) { return; }
        if (paragraph) { paragraph.remove(); }
        fill(list2, html);
      });
    }
  });

  // --- One thread put in place, with the counts it changes -----------------
  function place(html) {
    var wrapper = parse(html);
    if (!wrapper) { return; }
    var counts = wrapper.getAttribute("data-counts");
    if (counts) { var c = document.getElementById("comment-counts"); if (c) { c.textContent = counts; } }
    var passage = wrapper.getAttribute("data-passage") || "";
    var passageCounts = document.querySelector('[data-counts-for="' + passage + '"]');
    if (passageCounts) { passageCounts.textContent = wrapper.getAttribute("data-passage-counts") || ""; }
    var link = document.querySelector('[data-passage-link="' + passage + '"]');
    if (link) { link.removeAttribute("hidden"); }
    var thread = wrapper.querySelector(".thread");
    if (!thread) { return null; }
    var existing = document.getElementById(thread.id);
    if (existing) {
      // Keep a form someone is typing in open rather than redraw under them.
      if (existing.contains(document.activeElement) && document.activeElement.tagName === "TEXTAREA") { return existing; }
      existing.replaceWith(thread);
      return thread;
    }
    // Only into a list whose threads are all shown: a closed passage shows its counts.
    var list = container(passage);
    if (list && list.classList.contains("open")) {
      var moreLink = list.querySelector(".more-threads");
      if (!moreLink) { list.appendChild(thread); return thread; }
    }
    return null;
  }
  function card(id) {
    return fetchHtml("/comments/" + id + "/card?version=" + version);
  }

  // Back from posting or answering: the thread the address names is shown,
  // its passage opened.
  var wanted = window.location.hash.match(/^#comment-([0-9a-f-]+)$/);
  if (wanted && !document.getElementById("comment-" + wanted[1])) {
    card(wanted[1]).then(function (html) {
      var wrapper = html ? parse(html) : null;
      var passage = wrapper ? wrapper.getAttribute("data-passage") : null;
      return (passage ? open(passage) : Promise.resolve()).then(function () {
        var shown = document.getElementById("comment-" + wanted[1]);
        if (!shown && html) {
          var thread = parse(html).querySelector(".thread");
          var list = container(passage);
          if (thread && list) { list.appendChild(thread); shown = thread; }
        }
        if (shown) { shown.scrollIntoView({ block: "center" }); }
      });
    });
  }

  // --- Others' comments and answers appear as they are made ------------------
  if (!window.EventSource) { return; }
  var source = new EventSource("/reports/" + report + "/events");
  source.addEventListener("change", function (event) {
    var change;
    try { change = JSON.parse(event.data); } catch (e) { return; }
    card(change.thread).then(function (html) { if (html) { place(html); } });
  });
  // A new version or a round's step changes the whole page: it is shown
  // anew, unless the person is typing (then the next visit shows it).
  source.addEventListener("report", function () {
    var typing = Array.prototype.some.call(document.querySelectorAll("textarea, input[type=text]"), function (field) {
      return field.value.trim() !== "";
    });
    if (!typing) { window.location.reload(); }
  });
  source.addEventListener("reload", function () { window.location.reload(); });
})();
