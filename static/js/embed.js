/* ogstore <ogstore-card> widget. Untrusted data: textContent/setAttribute, http(s) URLs only. */
(() => {
  const TAG = "ogstore-card";
  if (!window.customElements || customElements.get(TAG)) return;

  const BUYABLE = ["InStock", "LimitedAvailability", "PreOrder", "BackOrder", "OnlineOnly"];

  // an http(s) URL, else ""
  const safeUrl = (u) => {
    try {
      u = new URL(u);
      return /^https?:$/.test(u.protocol) ? u.href : "";
    } catch {
      return "";
    }
  };
  const originOf = (u) => safeUrl(u) && new URL(u).origin;
  const SCRIPT_ORIGIN = originOf(document.currentScript?.src);

  // ".../OutOfStock" -> "OutOfStock" -> "Out of stock"
  const avail = (a) => String(a || "").replace(/^.*\//, "");
  const words = (a) => a.replace(/\B[A-Z]/g, (c) => " " + c.toLowerCase());

  const money = (price, currency) => {
    if (price == null) return "";
    try {
      return new Intl.NumberFormat(navigator.language, { style: "currency", currency }).format(price);
    } catch {
      return `${price} ${currency || ""}`;
    }
  };

  // strings become text nodes, never markup
  const h = (tag, attrs, ...kids) => {
    const el = document.createElement(tag);
    for (const k in attrs) el.setAttribute(k, attrs[k]);
    el.append(...kids.filter((k) => k));
    return el;
  };

  const CSS = `:host{display:block;max-width:38rem;font:15px/1.45 var(--ogstore-font,system-ui,sans-serif);--a:var(--ogstore-accent,#1f6b4f);--r:var(--ogstore-radius,12px)}
[part=card]{display:flex;flex-wrap:wrap;gap:1rem;padding:1rem;border:1px solid #8884;border-radius:var(--r);background:#fff;color:#1b1b1f}
[part=image]{width:9rem;height:9rem;object-fit:cover;border-radius:var(--r)}
.b{flex:1 1 14rem;display:grid;gap:.4rem;align-content:start}
h3,p{margin:0}
[part=price],[part=buy]{font-weight:700}
.m{opacity:.75}
s:empty{display:none}
label,.m{font-size:.88em}
.f{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end}
label{display:grid}
select,input,[part=buy]{font:inherit;padding:.4rem;border:1px solid #8888;border-radius:calc(var(--r)/2);color:inherit;background:none}
[part=buy]{padding:.5rem 1.2rem;border:0;background:var(--a);color:#fff;cursor:pointer;text-decoration:none}
[part=buy]:hover{filter:brightness(1.1)}
:focus-visible{outline:3px solid var(--a);outline-offset:2px}
@media(max-width:30rem){[part=image]{width:100%;height:auto}}
@media(prefers-color-scheme:dark){[part=card]{background:#1c1c20;color:#eee}}
@media(prefers-reduced-motion:no-preference){[part=buy]{transition:filter .2s}}`;

  class OgstoreCard extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return; // moved: already loaded
      this._reserve = h("style", {}, ":host{min-height:10rem}"); // no layout shift
      const style = h("style", {}, CSS);
      style.nonce = this._reserve.nonce = this.nonce; // strict-CSP sites
      this.attachShadow({ mode: "open" }).append(style, this._reserve, h("slot"));
      this.load();
    }

    emit(name, detail) {
      this.dispatchEvent(new CustomEvent("ogstore:" + name, { bubbles: true, composed: true, detail }));
    }

    async load() {
      const code = (this.code = this.getAttribute("code") || "");
      this.origin =
        originOf(this.getAttribute("origin")) || SCRIPT_ORIGIN || originOf(this.querySelector("a")?.href);
      try {
        if (!code || !this.origin) throw Error("no card");
        const res = await fetch(`${this.origin}/api/v1/cards/${encodeURIComponent(code)}`, { credentials: "omit" });
        if (!res.ok) throw Error("HTTP " + res.status);
        const data = await res.json();
        this._click = data.click;
        const card = this.build(data);
        this.shadowRoot.querySelector("slot").replaceWith(card);
        this.emit("view", { code });
      } catch (e) {
        this._reserve.remove(); // the fallback link stays visible
        this.emit("error", { code, error: { code: "unavailable", message: e.message } });
      }
    }

    build(d) {
      const p = d.product || {};
      const a = avail(p.availability);
      const price = h("span", { part: "price" }, money(p.price, p.currency));
      // The price before a discount, crossed out beside it (follows the chosen option).
      const was = (o) => (o.list_price ? money(o.list_price, o.currency || p.currency) : "");
      const struck = h("s", { part: "was", class: "m" }, was(p));
      const body = h(
        "div",
        { class: "b" },
        h("h3", { part: "name" }, p.name),
        h("p", {}, price, " ", struck),
        a && h("p", { class: "m" }, words(a)),
        d.note && h("p", {}, h("q", {}, d.note)),
        d.sharer?.handle && h("p", { class: "m" }, "\u2014 @" + d.sharer.handle),
      );
      this._status = h("p", { role: "status", class: "m" });

      if (d.buyable && BUYABLE.includes(a)) {
        const form = h("div", { class: "f" });
        const offers = (p.offers || []).filter(
          (o) => o.sku && Object.keys(o.attributes || {}).length && BUYABLE.includes(avail(o.availability)),
        );
        const select = offers.length && h("select", {});
        if (select) {
          const cost = (o) => money(o.price, o.currency || p.currency);
          for (const o of offers) {
            const opt = h("option", { value: o.sku }, `${Object.values(o.attributes).join(" / ")} \u2014 ${cost(o)}`);
            opt.selected = o.sku === p.sku;
            select.append(opt);
          }
          select.onchange = () => {
            const o = offers[select.selectedIndex];
            price.textContent = cost(o);
            struck.textContent = was(o);
          };
          select.onchange();
          form.append(h("label", {}, "Option", select));
        }
        const qty = h("input", { type: "number", min: 1, max: (this._max = d.max_quantity || 10), value: 1 });
        const buy = h("button", { type: "button", part: "buy" }, "Buy");
        buy.onclick = () => this.buy(buy, qty, select);
        for (const e of ["pointerenter", "focus", "touchstart"]) buy.addEventListener(e, () => this.loadCheckout().catch(() => {}), { once: true, passive: true });
        form.append(h("label", {}, "Quantity", qty), buy);
        body.append(form);
      } else if (safeUrl(d.share_url)) {
        const link = { part: "buy", href: safeUrl(d.share_url), target: "_blank", rel: "noopener" };
        body.append(h("a", link, "View at " + (d.merchant?.domain || "the shop")));
      }
      body.append(this._status);
      const img = safeUrl((p.images || [])[0]);
      return h(
        "div",
        { part: "card" },
        img && h("img", { part: "image", src: img, alt: p.name || "", loading: "lazy", referrerpolicy: "no-referrer" }),
        body,
      );
    }

    // The checkout (overlay, payment, waiting) loads on intent: hover, focus or tap on Buy.
    loadCheckout() {
      return (OgstoreCard.ready ||= new Promise((ok, fail) => {
        const s = h("script", { src: this.origin + "/static/js/checkout.js", async: "" });
        s.nonce = this.nonce;
        s.onload = ok;
        s.onerror = fail;
        document.head.append(s);
      }));
    }

    async buy(button, qty, select) {
      try {
        await this.loadCheckout();
      } catch {
        OgstoreCard.ready = null;
        return this.fail({ code: "network", message: "Network error" });
      }
      this.checkout(button, qty, select);
    }

    fail(error) {
      this._status.textContent = error.message || error.code;
      this.emit("error", { code: this.code, error });
    }
  }
  Object.assign(OgstoreCard, { h, money, safeUrl });

  customElements.define(TAG, OgstoreCard);
})();
