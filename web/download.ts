/** Offers bytes or text as a file download from the page (nothing leaves the machine: it is a blob URL). */
export function downloadFile(data: Blob | Uint8Array | string, name: string, type: string): void {
  const url = URL.createObjectURL(data instanceof Blob ? data : new Blob([data as BlobPart], { type }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  a.click();
  // the download has started by then; revoking at once can cancel it in some browsers
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
