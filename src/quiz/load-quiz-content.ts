/**
 * Reads the quiz's question bank shipped in content/quiz/. Callers (the service at start-up, tests)
 * load once; the conversation reads the questions from the database (quiz-store.ts).
 *
 * @example await seedQuizQuestions(db, loadStarterQuestions())
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseQuizFile, type QuizQuestion } from "./content-schema.ts";

export const DEFAULT_QUIZ_CONTENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../content/quiz");

export function loadStarterQuestions(dir = DEFAULT_QUIZ_CONTENT_DIR): QuizQuestion[] {
  return parseQuizFile(JSON.parse(readFileSync(path.join(dir, "starter.json"), "utf8"))).questions;
}
