/** The app's screens and what each needs to open. */
export type Route =
  | { name: 'feed' }
  /** `title` shows in the header while the product loads. */
  | { name: 'product'; productId: string; title: string }
  | { name: 'account' }
  /** `placed`: the order was just placed from the product screen. */
  | { name: 'order'; orderId: string; placed?: boolean }
  | { name: 'sign-in' };
