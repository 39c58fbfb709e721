// Progressive enhancement only: every flow works without this file.
"use strict";

// Time travel in place: a step link or the slider fetches the page of the new day and swaps
// its [data-swap] parts and step links into this one, so focus stays on the control used and
// the address bar follows (back and forward reload the day they name).
async function travel(url, used) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
  } catch (error) {
    window.location.assign(url);
    return;
  }
  if (!response.ok) { window.location.assign(url); return; }
  const next = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const part of document.querySelectorAll("[data-swap]")) {
    const replacement = next.getElementById(part.id);
    if (replacement) part.replaceWith(document.importNode(replacement, true));
  }
  updateSteps(next, used);
  updateSlider(next);
  updateDateFields(next);
  document.title = next.title;
  history.pushState({ travelled: true }, "", response.url);
}

// Every date box and hidden field outside the swapped parts takes the value the new page gives
// it, so a following Show or Compare uses the day on screen.
function updateDateFields(next) {
  for (const name of ["as_of", "known_on", "compare"]) {
    const mine = document.querySelectorAll(`input[name=${name}]`);
    const theirs = next.querySelectorAll(`input[name=${name}]`);
    mine.forEach((input, index) => {
      if (theirs[index] && input.type !== "range") input.value = theirs[index].value;
    });
  }
}

function updateSteps(next, used) {
  const steps = document.querySelector("[data-time-steps]");
  const fresh = next.querySelector("[data-time-steps]");
  if (!steps || !fresh) return;
  for (const rel of ["prev", "next"]) {
    const mine = steps.querySelector(`a[rel=${rel}]`);
    const theirs = fresh.querySelector(`a[rel=${rel}]`);
    if (mine && theirs) {
      mine.href = theirs.getAttribute("href");
      mine.innerHTML = theirs.innerHTML;
    }
  }
  const sameShape = ["prev", "next"].every(
    (rel) => !!steps.querySelector(`a[rel=${rel}]`) === !!fresh.querySelector(`a[rel=${rel}]`));
  if (!sameShape) {
    const focusedRel = used && used.getAttribute && used.getAttribute("rel");
    steps.replaceChildren(...Array.from(fresh.childNodes, (node) => document.importNode(node, true)));
    if (focusedRel) {
      const target = steps.querySelector(`a[rel=${focusedRel}]`) || steps.querySelector("a");
      if (target) target.focus();
    }
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// The month a slider position stands for, as the server labels it ("Mar 2021").
function monthLabel(slider) {
  const [year, month] = slider.dataset.firstMonth.split("-").map(Number);
  const months = month - 1 + Number(slider.value);
  return `${MONTHS[months % 12]} ${year + Math.floor(months / 12)}`;
}

function updateSlider(next) {
  const slider = document.querySelector("input[type=range][data-first-month]");
  const fresh = next.querySelector("input[type=range][data-first-month]");
  if (!slider || !fresh) return;
  slider.max = fresh.max;
  slider.dataset.firstMonth = fresh.dataset.firstMonth;
  slider.value = fresh.value;
  const output = document.getElementById("at-month");
  if (output) output.value = monthLabel(slider);
}

// "Mistral AI" → "mistral-ai": lower case ASCII letters and digits joined by single hyphens.
function slugOf(text) {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63);
}

// A form whose text is over the server's limit is not sent (the server could only refuse it
// whole): the largest field says so beside it, and everything typed stays.
function guardSize(form) {
  const limit = Number(form.dataset.maxBytes);
  form.addEventListener("submit", (event) => {
    const encoder = new TextEncoder();
    let total = 0;
    let largest = null;
    for (const field of form.querySelectorAll("input, textarea")) {
      const size = encoder.encode(encodeURIComponent(field.value)).length;
      total += size + field.name.length + 2;
      if (!largest || size > largest.size) largest = { field, size };
    }
    if (total <= limit || !largest) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const id = `too-large-${largest.field.name.replace(/\W/g, "-")}`;
    let note = document.getElementById(id);
    if (!note) {
      note = document.createElement("p");
      note.className = "error";
      note.id = id;
      largest.field.before(note);
    }
    note.textContent = `Too long to send: this form holds ${Math.ceil(total / 1024)} KiB, ` +
      `at most ${Math.floor(limit / 1024)} KiB are accepted. Nothing was saved; shorten this field.`;
    largest.field.setAttribute("aria-invalid", "true");
    largest.field.setAttribute("aria-describedby", id);
    largest.field.focus();
  }, true);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-max-bytes]")) guardSize(form);
  const steps = document.querySelector("[data-time-steps]");
  if (steps) {
    steps.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-step]");
      if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      travel(link.href, link);
    });
    window.addEventListener("popstate", () => window.location.reload());
  }
  // The slider shows the month it points at, and travels to its end when released.
  for (const slider of document.querySelectorAll("input[type=range][data-first-month]")) {
    const output = document.getElementById("at-month");
    slider.addEventListener("input", () => { if (output) output.value = monthLabel(slider); });
    slider.addEventListener("change", () => {
      const form = slider.form;
      const query = new URLSearchParams(new FormData(form)).toString();
      travel(`${form.action}?${query}`, slider);
    });
    slider.form.addEventListener("submit", (event) => {
      event.preventDefault();
      slider.dispatchEvent(new Event("change"));
    });
  }
  // A new company's slug is proposed from its name until the editor types a slug of their own.
  const slug = document.querySelector("input[data-slug-from]");
  const name = slug && document.getElementById(slug.dataset.slugFrom);
  if (slug && name) {
    let proposed = slug.value === "";
    slug.addEventListener("input", () => { proposed = slug.value === ""; });
    name.addEventListener("input", () => { if (proposed) slug.value = slugOf(name.value); });
  }
  // A list of companies gets a box that narrows it as you type (chosen ones stay shown).
  for (const select of document.querySelectorAll("select[multiple][data-filterable]")) {
    const filter = document.createElement("input");
    filter.type = "search";
    filter.placeholder = "Filter companies";
    filter.className = "picker-filter";
    filter.setAttribute("aria-label", "Filter the companies listed below");
    filter.setAttribute("aria-controls", select.id);
    select.before(filter);
    filter.addEventListener("input", () => {
      const wanted = filter.value.trim().toLowerCase();
      for (const option of select.options) {
        option.hidden = !option.selected && !!wanted && !option.textContent.toLowerCase().includes(wanted);
      }
    });
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

// The supply-chain graph: pointing at (or tabbing to) a box brings its edges forward and fades
// the others, so a line can be followed through a busy drawing; a wide drawing opens on the
// company the page is about.
document.addEventListener("DOMContentLoaded", () => {
  for (const drawing of document.querySelectorAll("svg.graph")) {
    // A drawing wider than its frame opens on the page's own company, not on the first column.
    const frame = drawing.closest(".graph-frame");
    const focus = drawing.querySelector("a.graph-company.focus");
    if (frame && focus) {
      const box = focus.getBoundingClientRect();
      const seen = frame.getBoundingClientRect();
      if (box.left < seen.left || box.right > seen.left + frame.clientWidth) {
        frame.scrollLeft += box.left - seen.left - Math.max(0, (frame.clientWidth - box.width) / 2);
      }
    }
    const trace = (event) => {
      const node = event.target.closest("[data-node]");
      if (!node) return;
      const id = node.getAttribute("data-node");
      drawing.classList.add("tracing");
      for (const edge of drawing.querySelectorAll("path.edge")) {
        const touches = edge.getAttribute("data-from") === id || edge.getAttribute("data-to") === id;
        edge.classList.toggle("traced", touches);
      }
    };
    const untrace = () => drawing.classList.remove("tracing");
    drawing.addEventListener("mouseover", trace);
    drawing.addEventListener("focusin", trace);
    drawing.addEventListener("mouseleave", untrace);
    drawing.addEventListener("focusout", untrace);
  }
});
