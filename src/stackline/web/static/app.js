// Progressive enhancement only: every flow works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // The matrix slider shows the day it points at and jumps there when released.
  for (const slider of document.querySelectorAll("input[type=range][data-days]")) {
    const days = slider.dataset.days.split(",");
    const output = document.getElementById("at-day");
    slider.addEventListener("input", () => { if (output) output.value = days[Number(slider.value)]; });
    slider.addEventListener("change", () => slider.form.requestSubmit());
  }
  // A form is sent once: a second click while the first post is on its way does nothing.
  for (const form of document.querySelectorAll("form[data-once]")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
    });
  }
});
