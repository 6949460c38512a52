/** Vite's `?url` imports (the worker is always bundled by Vite, with the prebuilt plugin). */
declare module '*?url' {
  const url: string;
  export default url;
}
