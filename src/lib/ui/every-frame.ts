/**
 * Calls `read` on every animation frame until the returned function is called: for level meters,
 * which run only while there is something to show (an idle page does no work per frame).
 */
export function everyFrame(read: () => void): () => void {
	let frame = 0;
	const tick = () => {
		read();
		frame = requestAnimationFrame(tick);
	};
	frame = requestAnimationFrame(tick);
	return () => cancelAnimationFrame(frame);
}
