/* lienthong console: filter the recipient list as one types, and refresh a sent document's
   per-recipient timelines from its JSON endpoint every few seconds (no reload, no framework). */
(function () {
  "use strict";

  // As the server's fold: no marks, đ as d, lower case ("van phong" finds "Văn phòng").
  function fold(text) {
    return text.replace(/[đĐ]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var filter = document.querySelector("input[data-filter]");
  if (filter) {
    var items = document.querySelectorAll(filter.getAttribute("data-filter"));
    var sender = document.getElementById("sender");
    var apply = function () {
      var words = fold(filter.value.trim());
      var from = sender ? sender.value : "";
      items.forEach(function (item) {
        var text = item.getAttribute("data-text");
        var checked = item.querySelector("input:checked");
        var own = item.getAttribute("data-code") === from;  // the sender is never a recipient
        item.hidden = own || Boolean(words && text !== null && text.indexOf(words) < 0 && !checked);
      });
    };
    filter.addEventListener("input", apply);
    if (sender) { sender.addEventListener("change", apply); }
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); apply(); }  // Enter filters, never submits
    });
  }

  var box = document.getElementById("recipients");
  if (!box) { return; }
  var source = box.getAttribute("data-source");
  var lang = box.getAttribute("data-lang");
  var words = JSON.parse(box.getAttribute("data-words"));
  var last = "";
  var rounds = 0;

  function element(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  function draw(data) {
    var fresh = JSON.stringify(data.recipients);
    if (fresh === last) { return; }
    last = fresh;
    var sections = [];
    data.recipients.forEach(function (r) {
      var section = element("section", undefined, "recipient");
      section.setAttribute("data-code", r.recipient);
      var title = element("h3", (r.name ? r.name + " (" + r.recipient + ")" : r.recipient) +
        (r.deliver_to !== r.recipient ? " → " + r.deliver_to : "") + ": ");
      title.appendChild(element("span", words[r.delivery] || r.delivery, "badge delivery"));
      section.appendChild(title);
      if (r.last_error) { section.appendChild(element("p", r.last_error, "warn")); }
      var list = element("ol", undefined, "timeline");
      if (!r.steps.length) { list.appendChild(element("li", words.no_steps)); }
      r.steps.forEach(function (s) {
        var li = element("li");
        li.appendChild(element("strong", s.code + " · " + (lang === "vi" ? s.label_vi : s.label_en)));
        li.appendChild(document.createTextNode(" — " + s.at_text + (s.description ? ": " + s.description : "")));
        list.appendChild(li);
      });
      section.appendChild(list);
      sections.push(section);
    });
    box.replaceChildren.apply(box, sections);
  }

  function poll() {
    rounds += 1;
    if (rounds > 2000) { return; }  // about two hours at 3 s: then a reload resumes it
    fetch(source, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { draw(data); } })
      .catch(function () { /* the next round tries again */ })
      .then(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 3000);
}());
