// A handout page opened from a printed copy's QR code (?edition=N): say which
// edition the reader holds and mark the changes made since under Changes.
// Without script the Changes section is there all the same.
(function () {
  "use strict";
  var notice = document.querySelector(".held-edition");
  var held = Number(new URLSearchParams(location.search).get("edition"));
  if (!notice || !Number.isInteger(held) || held < 1) return;
  var current = Number(notice.dataset.current);
  if (held >= current) return;
  notice.textContent = notice.dataset.text
    .replace("{held}", String(held)).replace("{current}", String(current));
  notice.hidden = false;
  document.querySelectorAll("#changes li[data-edition]").forEach(function (item) {
    if (Number(item.dataset.edition) > held) item.classList.add("since-held");
  });
})();
