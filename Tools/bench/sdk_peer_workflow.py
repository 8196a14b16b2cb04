"""The workflow of Tools/bench/sdk_peer.py, in a module of its own as the SDK's sandbox wants
(it re-imports a workflow's module, which must not do I/O)."""

from datetime import timedelta

from temporalio import workflow


@workflow.defn(name="RunActivityWorkflow")
class RunActivityWorkflow:
    """PrepareRun, ExecuteAction, FinishRun: each an activity, as activity-core 1.0.0 ran them."""

    @workflow.run
    async def run(self, run: dict) -> dict:
        prepared = await workflow.execute_activity(
            "PrepareRun", run, start_to_close_timeout=timedelta(seconds=20))
        result = await workflow.execute_activity(
            "ExecuteAction", prepared, start_to_close_timeout=timedelta(seconds=310))
        await workflow.execute_activity(
            "FinishRun", {**prepared, "status": "succeeded"}, start_to_close_timeout=timedelta(seconds=20))
        return {"status": "succeeded", "result": result}
