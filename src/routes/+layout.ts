// The app runs entirely in the browser (models, workers, WebRTC): no server rendering.
export const ssr = false;
export const prerender = false;
