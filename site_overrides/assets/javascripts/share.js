// 分享: copy the page's title and link (the panel is site_overrides/jinggang/share-panel.html).
// navigator.clipboard needs a secure context (https, file://, localhost); elsewhere, and where
// it is refused, a hidden textarea and execCommand("copy") do it.
(function () {
  "use strict";

  function copyWithSelection(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    area.remove();
    return copied;
  }

  async function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (error) {
        // refused (no permission, not focused): try the old way
      }
    }
    return copyWithSelection(text);
  }

  document.addEventListener("click", async function (event) {
    const button = event.target instanceof Element ? event.target.closest("[data-jg-share-copy]") : null;
    if (!button) return;
    const status = button.parentElement.querySelector(".jg-share__status");
    const copied = await copy(button.getAttribute("data-jg-share-text") || "");
    if (status) {
      status.textContent = copied ? "已复制，可以粘贴到微信或 QQ 群。" : "没能自动复制，请选中下面的链接复制。";
    }
  });
})();
