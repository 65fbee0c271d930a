// Starts Swagger UI on /docs (a served file, so the page needs no inline script).
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  // eslint-disable-next-line no-undef
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // No badge fetched from the public validator: the page loads nothing from elsewhere.
    validatorUrl: null,
  });
});
