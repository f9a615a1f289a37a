// The partner portal's small enhancements. Every page works without them (links, forms, a refresh link).
(function () {
  'use strict';

  // Copy buttons beside read-only invitation links.
  document.querySelectorAll('input[data-copy]').forEach(function (input) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondary';
    // The accessible name is the visible text and then which link (hidden): it holds what is seen, so a
    // voice-control user can say "Copy link", and a screen reader tells the rows' buttons apart.
    var visible = document.createElement('span');
    visible.textContent = 'Copy link';
    button.appendChild(visible);
    var context = input.getAttribute('data-copy-context');
    if (context) {
      var hidden = document.createElement('span');
      hidden.className = 'visually-hidden';
      hidden.textContent = context;
      button.appendChild(hidden);
    }
    var status = document.getElementById(input.getAttribute('data-copy-status') || '');
    button.addEventListener('click', function () {
      var done = function () {
        visible.textContent = 'Copied';
        if (status) status.textContent = 'Link copied to the clipboard.';
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          input.select();
        });
      } else {
        input.focus();
        input.select();
        if (document.execCommand && document.execCommand('copy')) done();
      }
    });
    input.insertAdjacentElement('afterend', button);
  });

  // A form that must not be sent twice (confirming an upload) disables its button once sent.
  document.querySelectorAll('form[data-once]').forEach(function (form) {
    form.addEventListener('submit', function () {
      form.querySelectorAll('button[type=submit]').forEach(function (button) {
        button.disabled = true;
        button.textContent = button.getAttribute('data-busy') || button.textContent;
      });
    });
  });

  // Live progress of a batch: poll its status and update the bar until it is final.
  var live = document.querySelector('[data-status-url]');
  if (live && live.getAttribute('data-final') !== 'true') {
    var url = live.getAttribute('data-status-url');
    var bar = live.querySelector('progress');
    var set = function (name, value) {
      live.querySelectorAll('[data-field="' + name + '"]').forEach(function (el) {
        el.textContent = value;
      });
    };
    var noscriptHint = document.querySelector('[data-refresh-hint]');
    if (noscriptHint) noscriptHint.hidden = true;
    var poll = function () {
      fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (response) {
          if (!response.ok) throw new Error('HTTP ' + response.status);
          return response.json();
        })
        .then(function (status) {
          if (bar) {
            bar.value = status.progress;
            bar.textContent = status.progress + '%';
          }
          set('progress', status.progress + '%');
          set('registered', status.registered.toLocaleString());
          set('failed', status.failed.toLocaleString());
          set('total', status.total.toLocaleString());
          set('statusLabel', status.statusLabel);
          live.setAttribute('data-status', status.status);
          if (status.final) {
            // The bar and counts are final; the device list below is from when the page loaded.
            live.setAttribute('data-final', 'true');
            var done = live.querySelector('[data-final-notice]');
            if (done) done.hidden = false;
          } else {
            window.setTimeout(poll, 1500);
          }
        })
        .catch(function () {
          window.setTimeout(poll, 5000);
        });
    };
    window.setTimeout(poll, 1000);
  }
})();
