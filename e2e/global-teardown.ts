import { destroyStack, loadStack } from "./stack";

export default async function globalTeardown() {
  const stack = loadStack();
  if (stack) await destroyStack(stack);
}
