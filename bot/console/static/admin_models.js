// The model page: while a training runs, poll its progress and move the bar;
// when it ends, reload the page to show the evaluation report.
(function () {
  "use strict";
  var box = document.getElementById("training");
  if (!box || box.getAttribute("data-running") !== "1") { return; }
  var bar = document.getElementById("training-bar");
  var status = document.getElementById("training-status");
  var button = document.getElementById("train-button");
  var url = box.getAttribute("data-url");

  function show(progress) {
    bar.value = progress.percent;
    bar.textContent = progress.percent + "%";
    status.textContent = progress.running ? progress.label + "：" + progress.percent + "%" : progress.label;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (answer) {
        if (!answer.ok) { throw new Error("HTTP " + answer.status); }
        return answer.json();
      })
      .then(function (progress) {
        show(progress);
        if (progress.running) {
          window.setTimeout(poll, 1000);
        } else {
          if (button) { button.disabled = false; }
          window.location.reload();
        }
      })
      .catch(function () {
        status.textContent = "暂时无法获取训练进度，正在重试……";
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 1000);
}());
