// Unsaved changes guard. A page marks unsaved work with an element [data-unsaved="true"] (Settings →
// posting slots). While one is present: closing or reloading the tab asks first (beforeunload), and
// an in-app link to another page is held back and the page's own "You have unsaved changes" dialog
// is opened (by clicking its hidden #unsaved-leave-trigger, which reads window.__shLeaveHref).
(function () {
  if (window.__shUnsavedGuard) return;
  window.__shUnsavedGuard = true;
  function unsaved() { return document.querySelector('[data-unsaved="true"]'); }
  window.addEventListener("beforeunload", function (event) {
    if (!unsaved()) return undefined;
    event.preventDefault();
    event.returnValue = "";
    return "";
  });
  document.addEventListener("click", function (event) {
    if (!unsaved() || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.target === "_blank") return;
    var url = new URL(link.getAttribute("href"), window.location.href);
    if (url.origin !== window.location.origin || url.pathname === window.location.pathname) return;
    var trigger = document.getElementById("unsaved-leave-trigger");
    if (!trigger) return;
    event.preventDefault();
    event.stopPropagation();
    window.__shLeaveHref = url.pathname + url.search + url.hash;
    trigger.click();
  }, true);
})();
