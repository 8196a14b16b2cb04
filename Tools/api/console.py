#!/usr/bin/env python3
"""The web console in headless Chromium (selenium + Debian's chromium-driver) against a live
worker (worker.py).

  console.py BINARY OUTPUT_DIR      (run by Tools/api-check)

Checks: the page loads without a token and shows no definition, run or sync data; a wrong
token shows the API's refusal and still no data; with the token the definitions table holds
exactly the ids of GET /admin/definitions; Plan shows the dry-run diff; Sync runs a sync;
Run now starts a run that appears in the runs table; the token is never in the URL or the
page; at 360 px nothing overflows the viewport. Screenshots (wide and 360 px) go to OUTPUT_DIR.
"""
import json
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from worker import LiveWorker

FAILED = []


def check(name, ok, detail=""):
    print(f"console-check: {'ok  ' if ok else 'FAIL'} {name}{': ' + str(detail) if detail and not ok else ''}")
    if not ok:
        FAILED.append(name)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1400,1000"):
        options.add_argument(argument)
    return webdriver.Chrome(options=options,
                            service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")))


def rows(driver, table):
    return driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr")


def main():
    binary, output = sys.argv[1], sys.argv[2]
    with LiveWorker(binary, output, "console") as worker:
        driver = browser()
        wait = WebDriverWait(driver, 30)
        try:
            driver.get(worker.base + "/")
            wait.until(EC.visibility_of_element_located((By.ID, "token")))
            check("page loads without a token", driver.title == "activity-core")
            check("no data without a token",
                  not driver.find_element(By.ID, "definitions").is_displayed()
                  and not rows(driver, "definitions-table") and not rows(driver, "runs-table"))
            wait.until(lambda d: d.find_element(By.ID, "readiness").text != "readiness: …")
            check("readiness shown", driver.find_element(By.ID, "readiness").text.startswith("ready"),
                  driver.find_element(By.ID, "readiness").text)

            driver.find_element(By.ID, "token").send_keys("wrong-token")
            driver.find_element(By.ID, "token-save").click()
            wait.until(lambda d: d.find_element(By.ID, "message").text)
            check("a wrong token is refused, still no data",
                  "token" in driver.find_element(By.ID, "message").text
                  and not rows(driver, "definitions-table"), driver.find_element(By.ID, "message").text)

            driver.find_element(By.ID, "token").send_keys(worker.token)
            driver.find_element(By.ID, "token-save").click()
            wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded"))
            check("the token field is hidden while a token is held",
                  not driver.find_element(By.ID, "token-form").is_displayed()
                  and driver.find_element(By.ID, "token-forget").is_displayed())
            status, body = worker.request("/admin/definitions")
            expected = [definition["id"] for definition in json.loads(body)]
            shown = [row.get_attribute("data-id") for row in rows(driver, "definitions-table")]
            check("definitions table = GET /admin/definitions", status == 200 and shown == expected,
                  f"{shown} != {expected}")
            digest = driver.find_element(By.CSS_SELECTOR, '#definitions-table tr[data-id="coulomb-daily-digest"]')
            check("a cron definition shows its schedule state", "active" in digest.text, digest.text)
            check("the last sync is shown (startup)", "by startup" in driver.find_element(By.ID, "last-sync").text,
                  driver.find_element(By.ID, "last-sync").text)

            driver.find_element(By.ID, "plan").click()
            wait.until(lambda d: d.find_element(By.ID, "plan-output").get_attribute("data-done"))
            plan = driver.find_element(By.ID, "plan-output").text
            check("Plan shows the dry-run diff",
                  plan.startswith("plan (nothing written)") and "definitions: synced 4" in plan
                  and "event_types:" in plan and "schedules:" in plan, plan)
            driver.find_element(By.ID, "run-sync").click()
            wait.until(lambda d: d.find_element(By.ID, "plan-output").get_attribute("data-done") == "sync")
            wait.until(lambda d: "by api" in d.find_element(By.ID, "last-sync").text)
            check("Sync runs a sync (the last sync is now the console's)", True)

            digest = driver.find_element(By.CSS_SELECTOR, '#definitions-table tr[data-id="coulomb-daily-digest"]')
            digest.find_element(By.CSS_SELECTOR, "button.run-now").click()
            wait.until(lambda d: any("coulomb-daily-digest" in row.text and "manual" in row.text
                                     for row in rows(d, "runs-table")))
            check("Run now: the run appears in the runs table", True)

            driver.save_screenshot(os.path.join(output, "console-wide.png"))
            driver.set_window_size(360, 800)
            time.sleep(0.5)
            width = driver.execute_script("return document.documentElement.scrollWidth")
            viewport = driver.execute_script("return window.innerWidth")
            check("at 360 px nothing overflows the viewport", width <= viewport, f"{width} > {viewport}")
            driver.save_screenshot(os.path.join(output, "console-360.png"))
            check("the token is never in the URL or the page",
                  worker.token not in driver.current_url and worker.token not in driver.page_source)
            driver.find_element(By.ID, "token-forget").click()
            check("forgetting the token hides the data again", not rows(driver, "definitions-table"))
        finally:
            driver.quit()
        if failure := worker.clean_up():
            check("cleanup", False, failure)
    print(f"console-check: screenshots in {output} (console-wide.png, console-360.png)")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
