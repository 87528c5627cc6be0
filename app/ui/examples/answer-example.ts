import { exampleForm } from '@/lib/examples/example-form';
import type { ExamplePage } from '@/lib/examples/catalogue';
import { messageForPerson } from '@/lib/errors';

type ErrorState = { status: 'error'; message: string };

/**
 * The page's answer to ?example=NAME: the example's file through the page's own form action, as if uploaded; undefined
 * without one. (The proxy answers 400 to a name that is not on the list before the page runs.)
 */
export async function answerExample<State extends { status: string }>(
  page: ExamplePage, name: string | string[] | undefined, action: (previous: State, form: FormData) => Promise<State>,
): Promise<State | ErrorState | undefined> {
  if (typeof name !== 'string') return undefined;
  try {
    return await action({ status: 'idle' } as State, await exampleForm(page, name));
  } catch (error) {
    return { status: 'error', message: messageForPerson(error) };
  }
}
