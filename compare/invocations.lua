-- wrk script for compare/serve.sh: the chapter's row through MLflow's POST /invocations.
wrk.method = "POST"
wrk.path = "/invocations"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"dataframe_split":{"columns":["CHAS","RM","TAX","PTRATIO","B","LSTAT"],"data":[[0,6.575,296.0,15.3,396.9,4.98]]}}'
