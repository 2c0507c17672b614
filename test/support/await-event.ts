/** Await the first value of a stream that matches, with a deadline that fails the test instead of hanging. */
import { firstValueFrom, filter, timeout, type Observable } from 'rxjs';

export function awaitEvent<T>(source: Observable<T>, match: (v: T) => boolean, ms = 20_000, what = 'event'): Promise<T> {
  return firstValueFrom(
    source.pipe(
      filter(match),
      timeout({ first: ms, with: () => { throw new Error(`timed out after ${ms} ms waiting for ${what}`); } }),
    ),
  );
}
