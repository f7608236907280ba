import { runPost } from './steps/post.js'

/** The post step (action.yml's `runs.post`): removes what main created, when asked to. */
export async function run(): Promise<void> {
  await runPost()
}
