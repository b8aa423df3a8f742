/**
 * Copies `text`: through the Clipboard API where the page may use it (https, localhost),
 * else the older selection copy on `field` (plain http, older browsers). False when both
 * are refused; the field is then left selected for the user to copy.
 */
export async function copyText(text: string, field: HTMLTextAreaElement | null) {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Refused (permissions, focus): try the selection copy below.
    }
  }
  if (!field) return false;
  field.focus();
  field.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}
