/* ogstore checkout overlay for <ogstore-card>, loaded when a buyer shows intent (hover, focus, tap).
   It adds one method to the element's class: no globals. Untrusted text goes in via textContent. */
(() => {
  const Card = customElements.get("ogstore-card");
  if (!Card || Card.prototype.checkout) return;
  const { h, money, safeUrl } = Card;
  const POLL_MS = 2000;
  const POLL_LIMIT = 450; // 15 minutes of waiting for the payment
  const DONE = { paid: "Paid. Thank you!", failed: "The payment failed.", expired: "The checkout expired." };

  const CSS = `.o{position:fixed;inset:0;z-index:2147483647;display:grid;place-items:center;background:#0008;padding:1rem}
[part=dialog]{width:min(26rem,100%);padding:1.4rem;border-radius:var(--r);background:#fff;color:#1b1b1f;display:grid;gap:.7rem;box-shadow:0 1rem 3rem #0006}
[part=dialog] h2{margin:0;font-size:1.2rem}
.row{display:flex;gap:.6rem;justify-content:end;flex-wrap:wrap}
.x{background:none;border:1px solid #8888;border-radius:calc(var(--r)/2);padding:.5rem 1rem;font:inherit;color:inherit;cursor:pointer}
@media(prefers-color-scheme:dark){[part=dialog]{background:#1c1c20;color:#eee}}
@media(prefers-reduced-motion:no-preference){.o{animation:f .15s ease-out}@keyframes f{from{opacity:0}}}`;

  Card.prototype.checkout = async function (button, qty, select) {
    const quantity = (qty.value = Math.min(this._max, Math.max(1, parseInt(qty.value, 10) || 1)));
    const order = {
      card: this.code,
      quantity,
      variant: select?.value || undefined,
      click: this._click,
      embedded: true, // the shop may allow the provider's form right here, in the overlay
    };
    button.disabled = true;
    this._status.textContent = "";
    const res = await fetch(this.origin + "/api/v1/checkout", {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(order),
    }).catch(() => null);
    const body = (await res?.json().catch(() => null)) || {};
    button.disabled = false;
    if (res?.status === 201 && (safeUrl(body.checkout_url) || body.embedded)) {
      this.emit("checkout", { code: this.code, order_id: body.order_id });
      return openOverlay(this, button, body, select);
    }
    const error = body.error || { code: "network", message: "Network error" };
    if (error.code === "price_changed" && body.price != null) {
      this._price.textContent = money(body.price, body.currency);
    }
    this.fail(error);
  };

  function openOverlay(card, opener, order, select) {
    const name = card.shadowRoot.querySelector("[part=name]").textContent;
    const total = money(order.total, order.currency);
    const status = h("p", { role: "status" });
    const pay = h("button", { type: "button", part: "buy" }, "Pay " + total);
    const form = h("div", { part: "payment" }); // the provider's embedded form, if any
    const close = h("button", { type: "button", class: "x" }, "Close");
    const dialog = h(
      "div",
      { part: "dialog", role: "dialog", "aria-modal": "true", "aria-labelledby": "ogstore-checkout-title" },
      h("h2", { id: "ogstore-checkout-title" }, "Checkout"),
      h("p", {}, name + (select ? " \u2014 " + select.selectedOptions[0].textContent : "")),
      h("p", {}, `Quantity ${order.quantity} \u00b7 Total ${total}`),
      form,
      status,
      h("div", { class: "row" }, close, order.embedded ? "" : pay),
    );
    const style = h("style", {}, CSS);
    style.nonce = card.nonce;
    const overlay = h("div", { class: "o", part: "overlay" }, style, dialog);
    let polls = 0;
    let timer = 0;
    let embedded = null;

    const shut = () => {
      clearTimeout(timer);
      embedded?.destroy();
      overlay.remove();
      opener.focus(); // focus returns to Buy
    };
    const watch = async () => {
      const res = await fetch(`${card.origin}/api/v1/orders/${encodeURIComponent(order.order_id)}`, {
        credentials: "omit",
      }).catch(() => null);
      const state = (await res?.json().catch(() => null))?.status;
      if (DONE[state]) {
        status.textContent = DONE[state];
        pay.remove();
        if (state === "paid") card.emit("paid", { code: card.code, order_id: order.order_id });
        else card.emit("error", { code: card.code, error: { code: state, message: DONE[state] } });
      } else if (++polls < POLL_LIMIT) {
        timer = setTimeout(watch, POLL_MS);
      }
    };

    pay.onclick = () => {
      // A fresh tab for the provider's page, with no handle back to this page.
      const tab = window.open("", "_blank");
      if (!tab) return location.assign(order.checkout_url); // popups blocked: go there instead
      tab.opener = null;
      tab.location = order.checkout_url;
      status.textContent = "Complete the payment in the new tab\u2026";
      clearTimeout(timer);
      watch();
    };
    close.onclick = shut;
    overlay.addEventListener("click", (e) => e.target === overlay && shut());
    dialog.addEventListener("keydown", (e) => {
      if (e.key === "Escape") return shut();
      if (e.key !== "Tab") return;
      const stops = [...dialog.querySelectorAll("button")];
      const at = stops.indexOf(card.shadowRoot.activeElement);
      const next = (at + (e.shiftKey ? stops.length - 1 : 1)) % stops.length;
      e.preventDefault(); // focus stays inside the dialog
      stops[next].focus();
    });
    card.shadowRoot.append(overlay);
    if (!order.embedded) return pay.focus();
    close.focus();
    status.textContent = "Loading the payment form\u2026";
    mountStripe(card, form, order.embedded, watch).then(
      (checkout) => {
        embedded = checkout;
        status.textContent = "";
      },
      () => (status.textContent = "The payment form could not load."),
    );
  }

  // Stripe's Embedded Checkout: Stripe.js loads only now, for shops that chose it.
  async function mountStripe(card, container, embedded, onComplete) {
    if (!window.Stripe) {
      await new Promise((ok, fail) => {
        const s = h("script", { src: "https://js.stripe.com/v3/" });
        s.nonce = card.nonce;
        s.onload = ok;
        s.onerror = fail;
        document.head.append(s);
      });
    }
    const stripe = window.Stripe(embedded.publishable_key, { stripeAccount: embedded.stripe_account });
    const checkout = await stripe.initEmbeddedCheckout({
      fetchClientSecret: async () => embedded.client_secret,
      onComplete,
    });
    checkout.mount(container);
    return checkout;
  }
})();
