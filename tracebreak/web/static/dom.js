// Building a page: elements from a tag, attributes and children; the page's content; drawing it again.

const main = document.getElementById("main");
let draw = () => {};

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export const link = (href, text) => el("a", { href }, text);

// The page's content: arrays flattened, absent parts (null, false) left out.
export const show = (...parts) =>
  main.replaceChildren(...parts.flat(Infinity).filter((p) => p !== null && p !== undefined && p !== false));

// The router (app.js) says how the page for the address is drawn; a page draws it again once it
// changed the stack, or moved to an address of its own.
export const drawWith = (render) => {
  draw = render;
};
export const redraw = () => draw();
export function go(url) {
  history.pushState({}, "", url);
  return draw();
}
