// Runs once when a server starts, before it takes requests (Next.js instrumentation).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { markForeignFormPosts } = await import('./lib/http/foreign-origin');
  markForeignFormPosts();
  const { warmUp } = await import('./lib/analysis/warm-up');
  await warmUp();
}
