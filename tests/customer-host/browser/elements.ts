// Plain custom elements for the Polaris web components the extension renders. Shopify renders
// `s-*` in its own host (no npm package ships it); these follow the documented properties and
// events of each component (shopify.dev, customer-account-ui-extensions "Polaris web components",
// and the types in @shopify/ui-extensions) closely enough that a browser test can read the text,
// fill the fields and press the buttons:
// - properties are set by Preact as element properties (label, value, error, heading, …);
// - fields fire `input` while typing and `change` when done, with the value on the element;
// - a button's `command="--copy"` with `commandFor` copies the named s-clipboard-item;
// - `slot="primary-action"` / `"secondary-actions"` place buttons in the action modal's footer.
// Each renders into an open shadow root, children through <slot>, so Preact owns the light DOM.

type Props = Record<string, unknown>;

abstract class PolarisElement extends HTMLElement {
  protected props: Props = {};
  protected root = this.attachShadow({ mode: "open" });
  #rendered = false;

  connectedCallback() {
    if (!this.#rendered) this.build();
    this.#rendered = true;
    this.update();
  }

  /** Makes the shadow DOM once. */
  protected abstract build(): void;
  /** Reflects the properties into it. */
  protected update(): void {}

  protected get<T>(name: string): T | undefined {
    return this.props[name] as T | undefined;
  }
}

function define(tag: string, element: typeof PolarisElement & (new () => PolarisElement), properties: readonly string[]) {
  for (const name of properties) {
    Object.defineProperty(element.prototype, name, {
      configurable: true,
      get(this: { props: Props }) {
        return this.props[name];
      },
      set(this: { props: Props; isConnected: boolean; update(): void }, value: unknown) {
        this.props[name] = value;
        if (this.isConnected) this.update();
      },
    });
  }
  customElements.define(tag, element);
}

function html(root: ShadowRoot, markup: string) {
  root.innerHTML = markup;
}

const text = (value: unknown) => (value === undefined || value === null ? "" : String(value));

class Container extends PolarisElement {
  protected build() {
    html(this.root, `<style>:host{display:flex;flex-direction:column;gap:8px}:host([data-direction=inline]){flex-direction:row;flex-wrap:wrap;align-items:center}</style><slot></slot>`);
  }
  protected override update() {
    this.dataset.direction = String(this.get("direction") ?? "block");
  }
}

class Heading extends PolarisElement {
  protected build() {
    html(this.root, `<h3 style="margin:0"><slot></slot></h3>`);
  }
}

class Paragraph extends PolarisElement {
  protected build() {
    html(this.root, `<p style="margin:0"><slot></slot></p>`);
  }
}

class Text extends PolarisElement {
  protected build() {
    html(this.root, `<span part="text"><slot></slot></span>`);
  }
  protected override update() {
    const span = this.root.querySelector("span")!;
    span.style.fontWeight = this.get("type") === "strong" ? "bold" : "";
    span.style.color = this.get("tone") === "critical" ? "#b00" : this.get("color") === "subdued" ? "#666" : "";
  }
}

class Section extends PolarisElement {
  protected build() {
    html(this.root, `<section style="border:1px solid #ddd;padding:12px"><h2 style="margin-top:0"></h2><slot></slot></section>`);
  }
  protected override update() {
    this.root.querySelector("h2")!.textContent = text(this.get("heading"));
    this.root.querySelector("section")!.setAttribute("aria-label", text(this.get("heading")));
  }
}

/** The order action modal: heading, content, and a footer of actions. */
class CustomerAccountAction extends PolarisElement {
  protected build() {
    html(
      this.root,
      `<div role="dialog" aria-modal="true" style="border:1px solid #999;padding:16px;max-width:560px">
        <h2 style="margin-top:0"></h2><slot></slot>
        <footer style="display:flex;gap:8px;margin-top:16px"><slot name="secondary-actions"></slot><slot name="primary-action"></slot></footer>
      </div>`,
    );
  }
  protected override update() {
    this.root.querySelector("h2")!.textContent = text(this.get("heading"));
    this.root.querySelector("[role=dialog]")!.setAttribute("aria-label", text(this.get("heading")));
  }
}

class Banner extends PolarisElement {
  protected build() {
    html(this.root, `<div style="padding:8px;border:1px solid #c90"><strong></strong><slot></slot></div>`);
  }
  protected override update() {
    const box = this.root.querySelector("div")!;
    // A critical banner interrupts (alert); others are announced politely (status).
    box.setAttribute("role", this.get("tone") === "critical" ? "alert" : "status");
    this.root.querySelector("strong")!.textContent = text(this.get("heading"));
  }
}

class Badge extends PolarisElement {
  protected build() {
    html(this.root, `<span style="border-radius:8px;padding:0 6px;background:#eee"><slot></slot></span>`);
  }
}

class Spinner extends PolarisElement {
  protected build() {
    html(this.root, `<span role="progressbar"></span>`);
  }
  protected override update() {
    this.root.querySelector("span")!.setAttribute("aria-label", text(this.get("accessibilityLabel")));
  }
}

class Button extends PolarisElement {
  protected build() {
    html(this.root, `<button type="button"><slot></slot></button>`);
    this.addEventListener("click", () => {
      const command = this.get<string>("command");
      const target = this.get<string>("commandFor");
      if (!command || !target) return;
      const element = document.getElementById(target);
      if (command === "--copy" && element instanceof ClipboardItemElement) void element.copy();
      else reportHostError(`s-button: command ${command} for #${target} is not supported by the stand-in host`);
    });
  }
  protected override update() {
    const button = this.root.querySelector("button")!;
    button.disabled = Boolean(this.get("disabled") || this.get("loading"));
    button.setAttribute("aria-busy", String(Boolean(this.get("loading"))));
    const label = this.get<string>("accessibilityLabel");
    if (label) button.setAttribute("aria-label", label);
  }
}

/** Writes `text` to the clipboard when a button's `--copy` command targets it; fires copy or copyerror. */
class ClipboardItemElement extends PolarisElement {
  protected build() {
    this.style.display = "none";
  }
  async copy() {
    try {
      await navigator.clipboard.writeText(text(this.get("text")));
      this.dispatchEvent(new ClipboardEvent("copy"));
    } catch {
      this.dispatchEvent(new Event("copyerror"));
    }
  }
}

let fieldIds = 0;

/** A labelled native control in the shadow root; its value and events are re-fired on the element. */
abstract class Field extends PolarisElement {
  protected fieldId = `field-${++fieldIds}`;
  protected abstract control(): HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  protected abstract markup(): string;

  protected build() {
    html(
      this.root,
      `<div style="display:flex;flex-direction:column;gap:2px"><label for="${this.fieldId}"></label>${this.markup()}<span id="${this.fieldId}-error" style="color:#b00"></span></div>`,
    );
    const control = this.control();
    control.addEventListener("input", () => this.fire("input"));
    control.addEventListener("change", () => this.fire("change"));
  }

  private fire(type: "input" | "change") {
    this.props.value = this.control().value;
    this.dispatchEvent(new Event(type, { bubbles: true }));
  }

  protected override update() {
    const control = this.control();
    this.root.querySelector("label")!.textContent = text(this.get("label"));
    if (control.value !== text(this.get("value"))) control.value = text(this.get("value"));
    control.disabled = Boolean(this.get("disabled"));
    const error = text(this.get("error"));
    this.root.getElementById(`${this.fieldId}-error`)!.textContent = error;
    if (error) {
      control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", `${this.fieldId}-error`);
    } else {
      control.removeAttribute("aria-invalid");
      control.removeAttribute("aria-describedby");
    }
  }
}

class NumberField extends Field {
  protected markup() {
    return `<input id="${this.fieldId}" type="number">`;
  }
  protected control() {
    return this.root.querySelector("input")!;
  }
  protected override update() {
    super.update();
    const input = this.control();
    for (const name of ["min", "max", "step"] as const) {
      const value = this.get(name);
      if (value === undefined) input.removeAttribute(name);
      else input.setAttribute(name, String(value));
    }
  }
}

class TextArea extends Field {
  protected markup() {
    return `<textarea id="${this.fieldId}"></textarea>`;
  }
  protected control() {
    return this.root.querySelector("textarea")!;
  }
  protected override update() {
    super.update();
    const area = this.control();
    area.rows = Number(this.get("rows") ?? 3);
    const max = this.get("maxLength");
    if (max === undefined) area.removeAttribute("maxlength");
    else area.maxLength = Number(max);
  }
}

/** A select whose options are its s-option children (value property, text content). */
class Select extends Field {
  #observer = new MutationObserver(() => this.update());
  protected markup() {
    return `<select id="${this.fieldId}"></select>`;
  }
  protected control() {
    return this.root.querySelector("select")!;
  }
  override connectedCallback() {
    super.connectedCallback();
    this.#observer.observe(this, { childList: true, subtree: true, characterData: true });
  }
  disconnectedCallback() {
    this.#observer.disconnect();
  }
  protected override update() {
    const select = this.control();
    const options: [string, string][] = [];
    const placeholder = this.get<string>("placeholder");
    if (placeholder) options.push(["", placeholder]);
    for (const option of this.querySelectorAll("s-option")) {
      options.push([text((option as Option).value), option.textContent ?? ""]);
    }
    select.replaceChildren(
      ...options.map(([value, label]) => {
        const element = document.createElement("option");
        element.value = value;
        element.textContent = label;
        element.disabled = value === "" && Boolean(placeholder);
        return element;
      }),
    );
    super.update();
  }
}

class Option extends PolarisElement {
  declare value: unknown;
  protected build() {
    this.style.display = "none";
  }
}

const COMPONENTS: [string, typeof PolarisElement & (new () => PolarisElement), string[]][] = [
  ["s-stack", Container, ["gap", "direction", "alignItems"]],
  ["s-section", Section, ["heading"]],
  ["s-heading", Heading, []],
  ["s-paragraph", Paragraph, ["tone", "color"]],
  ["s-text", Text, ["type", "tone", "color"]],
  ["s-customer-account-action", CustomerAccountAction, ["heading"]],
  ["s-banner", Banner, ["tone", "heading"]],
  ["s-badge", Badge, ["tone"]],
  ["s-spinner", Spinner, ["accessibilityLabel"]],
  ["s-button", Button, ["variant", "tone", "disabled", "loading", "command", "commandFor", "accessibilityLabel"]],
  ["s-clipboard-item", ClipboardItemElement, ["text"]],
  ["s-number-field", NumberField, ["label", "value", "error", "min", "max", "step", "disabled"]],
  ["s-text-area", TextArea, ["label", "value", "error", "rows", "maxLength", "disabled"]],
  ["s-select", Select, ["label", "value", "error", "placeholder", "disabled"]],
  ["s-option", Option, ["value", "disabled"]],
];

let reportHostError: (message: string) => void = () => {};

export function defineComponents(onError: (message: string) => void) {
  reportHostError = onError;
  for (const [tag, element, properties] of COMPONENTS) define(tag, element, properties);
  // A component the stand-in does not know would render as nothing: make that a test failure.
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node instanceof HTMLElement && node.localName.startsWith("s-") && !customElements.get(node.localName)) {
          onError(`<${node.localName}> is not provided by the stand-in host`);
        }
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
}
