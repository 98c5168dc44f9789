/* 家庭定位: 「用手机定位」 fills a household's latitude and longitude from the phone's own location
   (navigator.geolocation, WGS-84), six decimals, and says how accurate the fix is. Kept in a static file: the
   Content-Security-Policy forbids inline scripts. Without the script the fields are typed by hand. */
(function () {
  "use strict";
  function say(form, text, bad) {
    var status = form.querySelector("[data-locate-status]");
    if (!status) return;
    status.textContent = text;
    status.className = "pos-status" + (bad ? " error" : "");
  }
  var REASONS = {
    1: "未获得定位权限：请在浏览器设置中允许本网站使用位置信息，或手工填写。",
    2: "暂时无法定位（室内信号弱时可到门口重试），或手工填写。",
    3: "定位超时，请重试或手工填写。"
  };
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-locate]") : null;
    if (!button) return;
    event.preventDefault();
    var form = button.closest("form[data-position]");
    if (!form) return;
    if (!("geolocation" in navigator)) { say(form, "此浏览器不支持定位，请手工填写。", true); return; }
    if (window.isSecureContext === false) {
      say(form, "浏览器只在 HTTPS 加密连接下提供定位，请手工填写。", true);
      return;
    }
    button.disabled = true;
    say(form, "正在定位…", false);
    navigator.geolocation.getCurrentPosition(function (pos) {
      button.disabled = false;
      form.querySelector("[data-lat]").value = pos.coords.latitude.toFixed(6);
      form.querySelector("[data-lon]").value = pos.coords.longitude.toFixed(6);
      var metres = Math.round(pos.coords.accuracy || 0);
      say(form, "已填入手机定位" + (metres ? "（精度约 " + metres + " 米" + (metres > 100 ? "，偏差较大，可到户外重试" : "") + "）" : "") +
        "，请核对后点「保存」。", metres > 100);
    }, function (error) {
      button.disabled = false;
      say(form, REASONS[error.code] || "无法定位，请手工填写。", true);
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 0});
  });
})();
