// Progressive enhancement only: every page works without this file.
document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');

// Count down to "Record your learning" where JavaScript runs; the text is there without it.
(function () {
  var el = document.querySelector('[data-remaining-seconds]');
  if (!el) { return; }
  var left = parseInt(el.getAttribute('data-remaining-seconds'), 10);
  function say(n, one) { return n + ' ' + one + (n === 1 ? '' : 's'); }
  function words(s) {
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var parts = h > 0 ? [[h, 'hour'], [m, 'minute']] : [[m, 'minute'], [sec, 'second']];
    parts = parts.filter(function (p) { return p[0] > 0; }).map(function (p) { return say(p[0], p[1]); });
    return parts.length ? parts.join(' and ') : '0 seconds';
  }
  var timer = setInterval(function () {
    left -= 1;
    if (left <= 0) {
      clearInterval(timer);
      window.location.reload();
      return;
    }
    el.textContent = words(left) + ' till you can record this learning activity';
  }, 1000);
})();
