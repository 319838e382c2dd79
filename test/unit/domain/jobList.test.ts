import { describe, expect, it } from "vitest"
import { byCreation, type Job } from "../../../src/domain/job.ts"
import { pageJobs } from "../../../src/domain/jobList.ts"

const job = (seq: number, name: string, jobStatus: Job["jobStatus"] = "Completed") =>
  ({ id: `j${seq}`, seq, name, jobStatus }) as Job

const jobs = [job(1, "March billing"), job(2, "April billing", "Queued"), job(3, "Churn"), job(4, "billing again", "Queued"), job(5, "Sales", "Failed")]
const ids = (p: { entities: ReadonlyArray<Job> }) => p.entities.map((j) => j.id)

describe("pageJobs (Genesys' reprocessing job listing)", () => {
  it("pages newest first by default, 25 a page, and counts the queue", () => {
    const p = pageJobs(jobs, {})
    expect(ids(p)).toEqual(["j5", "j4", "j3", "j2", "j1"])
    expect(p).toMatchObject({ pageSize: 25, pageNumber: 1, pageCount: 1, total: 5, queueTotal: 2 })
  })

  it("cuts pages of pageSize, numbered from 1; a page past the end is empty", () => {
    expect(ids(pageJobs(jobs, { pageSize: 2 }))).toEqual(["j5", "j4"])
    expect(ids(pageJobs(jobs, { pageSize: 2, pageNumber: 3 }))).toEqual(["j1"])
    expect(pageJobs(jobs, { pageSize: 2, pageNumber: 4 })).toMatchObject({ entities: [], pageCount: 3, total: 5 })
    expect(ids(pageJobs(jobs, { limit: 1 }))).toEqual(["j5"]) // the first version's name for pageSize
  })

  it("filters by status and a case-insensitive part of the name, oldest first on asc", () => {
    const p = pageJobs(jobs, { name: "BILLING", sortOrder: "asc" })
    expect(ids(p)).toEqual(["j1", "j2", "j4"])
    expect(p.total).toBe(3)
    const queued = pageJobs(jobs, { status: "Queued", name: "billing" })
    expect(ids(queued)).toEqual(["j4", "j2"])
    expect(queued.queueTotal).toBe(2)
  })

  it("orders an auto-reprocessing job (its seq a time in ms) by its creation among command jobs", () => {
    const at = (seq: number, minute: number, jobStatus: Job["jobStatus"] = "Queued") =>
      ({ id: `j${seq}`, seq, name: `job ${seq}`, jobStatus, dateCreated: `2026-12-05T10:${String(minute).padStart(2, "0")}:00.000Z` }) as Job
    const auto = { ...at(1_764_929_000_000, 20), id: "auto-r2" }
    const mixed = [at(7, 10), auto, at(8, 30)]
    expect(ids(pageJobs(mixed, {}))).toEqual(["j8", "auto-r2", "j7"])
    expect(ids(pageJobs(mixed, { sortOrder: "asc" }))).toEqual(["j7", "auto-r2", "j8"])
    // the queue's order (JobRepo.list sorts with byCreation)
    expect([...mixed].sort(byCreation).map((j) => j.id)).toEqual(["j7", "auto-r2", "j8"])
    // created in the same millisecond: the command stream's order, then the id
    expect([at(9, 40), at(3, 40)].sort(byCreation).map((j) => j.id)).toEqual(["j3", "j9"])
  })
})
