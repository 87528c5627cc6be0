import { pauseTraining } from '../testkit/pause-training';

// A training run on this machine is paused while the browser tests run (they time out on cores it takes), and
// continued when they end, however they end.
export default function globalSetup(): () => void {
  return pauseTraining();
}
