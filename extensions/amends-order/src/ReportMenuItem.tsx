// "Report a problem" in the order's action menu. Shopify opens this extension's
// customer-account.order.action.render target when the button is pressed (an order action menu
// item without href or onClick opens the action of the same extension).
import "@shopify/ui-extensions/preact";
import { render } from "preact";

export default async () => {
  render(<s-button>{shopify.i18n.translate("menu.report")}</s-button>, document.body);
};
