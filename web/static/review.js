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

  // On a phone the table of contents starts folded: open, it would stand
  // between the reader and the first passage.
  var toc = document.querySelector(".toc details");
  if (toc && window.matchMedia && window.matchMedia("(max-width: 64rem)").matches) { toc.open = false; }

  // --- A selection in a passage becomes the comment's anchor -------------
  // By mouse, by touch (a phone's selection handles fire no mouseup, only
  // `selectionchange`), or by keyboard with the quote picker: the first and
  // last word of the quote chosen from two lists.
  var form = document.getElementById("comment-form");
  var section = document.getElementById("new-comment");
  var home = document.getElementById("comment-form-home");
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
  function blockById(id) { return id ? document.querySelector('.block[data-block="' + id + '"]') : null; }
  function textOf(block) {
    var body = block.querySelector(".block-body");
    if (!body) { return ""; }
    var range = document.createRange();
    range.selectNodeContents(body);
    return range.toString();
  }
  function choose(block, start, end, quote) {
    field("comment-block").value = block || "";
    field("comment-start").value = start === null ? "" : String(start);
    field("comment-end").value = end === null ? "" : String(end);
    field("comment-quote").value = quote || "";
    var chosen = field("comment-chosen");
    var named = blockById(block);
    if (quote) {
      chosen.textContent = chosen.getAttribute("data-prefix") + " «" + quote + "»";
    } else if (named) {
      chosen.textContent = chosen.getAttribute("data-block-prefix") + " " + named.getAttribute("data-name");
    } else {
      chosen.textContent = chosen.getAttribute("data-none");
    }
    if (section) { section.classList.toggle("has-passage", !!block); }
  }
  // The form goes under the passage it is about (on a phone, right under
  // its text, not 17,000 pixels below), and back to the end for the whole report.
  function placeForm(block) {
    if (!section) { return; }
    var row = block ? document.querySelector('[data-row="' + block + '"]') : null;
    if (row) {
      var text = row.querySelector(".block");
      if (text.nextElementSibling !== section) { text.insertAdjacentElement("afterend", section); }
      section.classList.add("under-passage");
    } else if (home && section.parentNode !== home) {
      home.appendChild(section);
      section.classList.remove("under-passage");
    }
  }

  // The quote picker: the passage's words, to choose the quote's first and last.
  var picker = field("quote-picker");
  var from = field("quote-from");
  var to = field("quote-to");
  var words = [];
  var pickerBlock = null;
  function option(value, label) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    return o;
  }
  function fillPicker(block) {
    if (!picker) { return; }
    var element = blockById(block);
    if (!element) { picker.hidden = true; pickerBlock = null; return; }
    if (pickerBlock === block) { return; }
    pickerBlock = block;
    var points = Array.from(textOf(element));
    words = [];
    var at = -1;
    for (var i = 0; i <= points.length; i++) {
      var space = i === points.length || /\s/.test(points[i]);
      if (!space && at < 0) { at = i; }
      if (space && at >= 0) { words.push({ start: at, end: i, text: points.slice(at, i).join("") }); at = -1; }
    }
    [from, to].forEach(function (list) {
      list.textContent = "";
      list.appendChild(option("", "—"));
      words.forEach(function (w, k) { list.appendChild(option(String(k), (k + 1) + ". " + w.text)); });
    });
    picker.hidden = words.length === 0;
  }
  function picked() {
    if (pickerBlock === null) { return; }
    var element = blockById(pickerBlock);
    if (from.value === "") { to.value = ""; choose(pickerBlock, null, null, ""); return; }
    var first = Number(from.value);
    if (to.value === "" || Number(to.value) < first) { to.value = from.value; }
    var last = Number(to.value);
    var points = Array.from(textOf(element));
    var start = words[first].start;
    var end = words[last].end;
    var quote = points.slice(start, end).join("");
    if (element.hasAttribute("data-table")) { choose(pickerBlock, null, null, quote); return; }
    choose(pickerBlock, start, end, quote);
  }
  if (from && to) { from.addEventListener("change", picked); to.addEventListener("change", picked); }

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
    var id = block.getAttribute("data-block");
    fillPicker(id);
    if (from) { from.value = ""; to.value = ""; }
    placeForm(id);
    if (block.hasAttribute("data-table")) {
      // A table's text joins its cells with tabs the page does not show:
      // send the quote alone and let the server find it.
      choose(id, null, null, quote.trim());
      return;
    }
    var before = document.createRange();
    before.setStart(body, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var start = chars(before.toString());
    choose(id, start, start + chars(quote), quote);
  }
  var pending = null;
  document.addEventListener("selectionchange", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(onSelection, 120);
  });
  document.addEventListener("mouseup", onSelection);
  document.addEventListener("touchend", function () { window.setTimeout(onSelection, 0); });
  var clear = field("comment-clear");
  if (clear) {
    clear.addEventListener("click", function () {
      choose("", null, null, "");
      if (picker) { picker.hidden = true; pickerBlock = null; }
      placeForm(null);
      field("comment-body").focus();
    });
  }
  // "Góp ý đoạn 2.1": the form opens under that passage, the focus in its box.
  function openFor(block) {
    if (!section) { return; }
    var selection = window.getSelection();
    var selected = selection && !selection.isCollapsed && selection.rangeCount > 0
      ? blockOf(selection.getRangeAt(0).startContainer) : null;
    var keep = selected && selected.getAttribute("data-block") === block && field("comment-quote").value;
    if (!keep) { choose(block, null, null, ""); }
    fillPicker(block);
    placeForm(block);
    section.classList.add("open");
    var box = field("comment-body");
    box.focus({ preventScroll: true });
    box.scrollIntoView({ block: "center" });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-comment-on]") : null;
    if (!link || !section) { return; }
    event.preventDefault();
    openFor(link.getAttribute("data-comment-on"));
  });
  // Back with a refusal, or from a passage's link without the script: the
  // form under its passage, the focus in its box.
  if (section && form) {
    var wantedBlock = field("comment-block").value;
    if (wantedBlock) { fillPicker(wantedBlock); }
    if (section.classList.contains("refused") || /[?&]comment_on=/.test(window.location.search)) {
      if (wantedBlock) { placeForm(wantedBlock); }
      // The box in the middle of the screen, its error just above it.
      var refusedBox = field("comment-body");
      refusedBox.focus({ preventScroll: true });
      refusedBox.scrollIntoView({ block: "center" });
    }
  }

  // A thread's form sent from the version page says so: refused, it comes
  // back on this page, not on a page of its own.
  if (document.querySelector("[data-row]")) {
    document.addEventListener("submit", function (event) {
      var sent = event.target;
      if (!sent.closest || !sent.closest(".thread") || sent.querySelector('input[name="report"]')) { return; }
      var origin = document.createElement("input");
      origin.type = "hidden";
      origin.name = "report";
      origin.value = report;
      sent.appendChild(origin);
    });
  }

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
