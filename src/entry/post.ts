import { runPost } from '../post.js'

// runPost reports every failure itself.
void runPost()
