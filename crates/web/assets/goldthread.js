// Progressive enhancement only: every page works without this file.
document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
