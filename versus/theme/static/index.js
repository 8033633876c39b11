/* The index's filter. It looks for every typed word (case and accents ignored) in
   each handout's title, items, tags and tagline, among all the handouts of
   search-index.js (window.VERSUS_INDEX, see versus/site.py), and lists the
   matches in place of the page's own list, STEP at a time. Both files are loaded
   by <script src>, so the filter works on a page opened from disk too.
   ?q=words in the address fills the box. */
(function () {
  "use strict";
  var STEP = 100;
  var data = window.VERSUS_INDEX;
  var form = document.querySelector("form.filter");
  var list = document.getElementById("handouts");
  if (!data || !form || !list) { return; }
  var input = form.querySelector("input");
  var status = form.querySelector("output");
  var none = document.querySelector(".no-match");
  var more = document.querySelector(".show-more");
  var hidden = Array.prototype.slice.call(
    document.querySelectorAll(".pager, .tag-list"));
  var own = Array.prototype.slice.call(list.children);
  var matches = [];
  var shown = 0;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var entries = data.handouts.map(function (row) {
    var tags = row[2].map(function (number) { return data.tags[number]; });
    var title = row[3] || row[1].join(" vs. ");
    var words = [title, row[1].join(" "), tags.map(function (tag) { return tag[0]; })
      .join(" "), row[4] || ""].join("\n");
    return { row: row, title: title, tags: tags, text: fold(words) };
  });

  function element(name, className, text, href) {
    var node = document.createElement(name);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    if (href) { node.setAttribute("href", href); }
    return node;
  }
  /* The same markup as templates/listing.html. */
  function item(entry) {
    var row = entry.row;
    var li = document.createElement("li");
    /* dir="auto" isolates a title or item that runs against the page's direction,
       as the isolate filter does for listing.html. */
    var title = element("a", "title", entry.title, "html/" + row[0] + ".html");
    title.dir = "auto";
    li.appendChild(title);
    li.appendChild(element("a", "pdf", "PDF", "pdf/" + row[0] + ".pdf"));
    if (row[3]) {
      var items = element("span", "items");
      row[1].forEach(function (name) {
        var span = element("span", "item", name);
        span.dir = "auto";
        items.appendChild(span);
      });
      li.appendChild(items);
    }
    if (row[4]) { li.appendChild(element("span", "tagline", row[4])); }
    if (entry.tags.length) {
      var tags = element("span", "tags");
      entry.tags.forEach(function (tag) {
        tags.appendChild(element("a", "tag", tag[0], "tags/" + tag[1] + ".html"));
      });
      li.appendChild(tags);
    }
    return li;
  }
  function showMore() {
    var part = document.createDocumentFragment();
    matches.slice(shown, shown + STEP).forEach(function (entry) {
      part.appendChild(item(entry));
    });
    list.appendChild(part);
    shown = Math.min(shown + STEP, matches.length);
    more.hidden = shown >= matches.length;
  }
  function apply() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var filtering = words.length > 0;
    hidden.forEach(function (node) { node.hidden = filtering; });
    list.textContent = "";
    if (!filtering) {
      own.forEach(function (li) { list.appendChild(li); });
      status.textContent = "";
      none.hidden = more.hidden = true;
      return;
    }
    matches = entries.filter(function (entry) {
      return words.every(function (word) { return entry.text.indexOf(word) !== -1; });
    });
    shown = 0;
    showMore();
    status.textContent = form.getAttribute("data-status")
      .replace("{shown}", matches.length).replace("{total}", entries.length);
    none.hidden = matches.length > 0;
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  more.addEventListener("click", showMore);
  input.addEventListener("input", apply);
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { input.value = query; }
  apply();
})();
