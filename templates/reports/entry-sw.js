/* The entry page's service worker: its script follows in the next commit. */
