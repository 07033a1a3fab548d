/**
 * Frozen once shipped. Purchase history by contact (issue #19 item 6): a contact's purchases are
 * the orders (and quotes) it is the contact of, so those links are indexed — for `contact show`
 * and for deleting a contact (its foreign keys are checked without a scan). Same text on both engines.
 */
export const version = 21;
export const name = 'purchase indexes';
export const sql = `
CREATE INDEX orders_contact ON orders(contact_id);
CREATE INDEX quotes_contact ON quotes(contact_id);
`;
