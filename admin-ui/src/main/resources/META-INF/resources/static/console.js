// The console works without this script; it adds a confirmation before deletions and shows what a quota typed in
// the form means (bytes, and the usage it would give) before it is saved.
(function () {
  'use strict';
  document.addEventListener('submit', function (e) {
    var b = e.submitter;
    if (b && b.dataset.confirm && !window.confirm(b.dataset.confirm)) {
      e.preventDefault();
    }
  });

  var UNITS = { '': 0, k: 10, m: 20, g: 30, t: 40, p: 50 };
  function parseSize(text) {
    var m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$/i.exec(text);
    return m ? Math.round(parseFloat(m[1]) * Math.pow(2, UNITS[m[2].toLowerCase()])) : null;
  }
  function format(bytes) {
    var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'], i = 0;
    while (bytes >= 1024 && i < u.length - 1) { bytes /= 1024; i++; }
    return (i === 0 ? bytes : bytes.toFixed(1)) + ' ' + u[i];
  }

  var form = document.getElementById('quota-form');
  if (!form) {
    return;
  }
  var storage = form.querySelector('[name=storage]');
  var messages = form.querySelector('[name=messages]');
  var out = document.getElementById('quota-preview');
  var usedBytes = Number(form.dataset.usedBytes), usedMessages = Number(form.dataset.usedMessages);
  function preview() {
    var parts = [];
    if (storage.value.trim() === '') {
      parts.push('storage: the domain default');
    } else {
      var b = parseSize(storage.value);
      if (b === null) {
        parts.push('storage: not a size (write e.g. 2G or 500M)');
      } else if (b === 0) {
        parts.push('storage: unlimited');
      } else {
        parts.push('storage: ' + format(b) + ', ' + Math.round(100 * usedBytes / b) + ' % used'
          + (usedBytes > b ? ' (below the current usage: new mail would be refused)' : ''));
      }
    }
    if (messages.value.trim() !== '') {
      var n = Number(messages.value.replace(/[,_]/g, ''));
      parts.push(!Number.isInteger(n) || n < 0 ? 'messages: not a whole number'
        : n === 0 ? 'messages: unlimited' : 'messages: ' + Math.round(100 * usedMessages / n) + ' % used');
    }
    out.textContent = parts.join(' · ');
  }
  storage.addEventListener('input', preview);
  messages.addEventListener('input', preview);
})();
