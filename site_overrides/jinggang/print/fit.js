window.jgFit = async () => {
  const millimetre = 96 / 25.4;
  const body = document.body.style;
  const mark = "（续）";
  // The mark's characters in the face it prints with, before any layout uses them: a glyph
  // that arrives late would print in the system's CFF font (Type 3).
  await document.fonts.load(`700 16px "Noto Sans SC"`, mark).catch(() => null);
  // Break the block into pages of `limit` pixels before the first child that would cross a
  // page's end (with the headings just above it); returns the number of pages.
  const paginate = (box, limit) => {
    for (const old of box.querySelectorAll(":scope > .fit__continued")) old.remove();
    const children = [...box.children];
    let top = box.getBoundingClientRect().top;
    let first = 0;  // index of the first child on the current page
    let pages = 1;
    for (let index = 0; index < children.length; index += 1) {
      if (children[index].getBoundingClientRect().bottom - top <= limit) continue;
      let start = index;
      while (start > first && /^H[1-6]$/.test(children[start - 1].tagName)) start -= 1;
      if (start <= first) {  // one child taller than a page: the printer splits it
        top += limit;
        continue;
      }
      const heading = document.createElement("p");
      heading.className = "fit__continued";
      heading.textContent = `${box.dataset.fitTitle ?? ""}${mark}`;
      box.insertBefore(heading, children[start]);
      top = heading.getBoundingClientRect().top;
      first = start;
      pages += 1;
      index = start - 1;
    }
    return pages;
  };
  for (const box of document.querySelectorAll("[data-fit-page]")) {
    const [width, height] = box.dataset.fitPage.split("x").map((mm) => parseFloat(mm) * millimetre);
    const limit = height - 2 * millimetre;
    body.width = `${width}px`;  // lay out at the printed width, so lines wrap as they will print
    box.classList.add("fit--measure");
    const tall = (lines) => { box.style.setProperty("--min-lines", String(lines)); return box.getBoundingClientRect().height; };
    if (tall(2) <= limit || tall(1) <= limit) {
      box.classList.remove("fit--measure");
      box.style.height = `${Math.floor(limit)}px`;
      box.classList.add("fit--one");
      continue;
    }
    // Several pages: the fewest (as with one line an answer), and on them the most lines.
    const pagesFor = (lines) => { tall(lines); return paginate(box, limit); };
    const fewest = pagesFor(1);
    const lines = [3, 2].find((count) => pagesFor(count) <= fewest) ?? 1;
    pagesFor(lines);
    box.dataset.fitPages = String(fewest);
  }
  body.width = "";
};
