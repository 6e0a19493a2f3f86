// xiaopu H5 pages: small progressive enhancements. Every page works without this file.
"use strict";

// A form marked data-once is sent once: a second tap does nothing (the server also keeps one
// order per checkout key, so this only spares a needless round trip).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-once")) return;
  if (form.dataset.sent === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
});

// Coming back to a page (the back button keeps it in memory) or a send that never arrived:
// the form may be sent again (the checkout key still keeps it to one order).
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    delete form.dataset.sent;
  });
});

// "Load more" becomes infinite scrolling: the next page's items are fetched and appended.
(function () {
  var list = document.getElementById("items");
  if (!list || !("IntersectionObserver" in window)) return;
  var loading = false;
  function loadMore(link) {
    if (loading) return;
    loading = true;
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html");
        var items = next.querySelectorAll("#items > li");
        for (var i = 0; i < items.length; i++) list.appendChild(document.adoptNode(items[i]));
        var nextLink = next.getElementById("more");
        if (nextLink) {
          link.href = nextLink.getAttribute("href");
        } else {
          observer.disconnect();
          link.remove();
        }
      })
      .catch(function () { observer.disconnect(); })
      .then(function () { loading = false; });
  }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) loadMore(entry.target);
    });
  }, { rootMargin: "400px" });
  var more = document.getElementById("more");
  if (more) observer.observe(more);
})();
