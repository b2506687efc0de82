-- wrk script for compare/serve.sh: the chapter's row through the Open Inference Protocol.
wrk.method = "POST"
wrk.path = "/v2/models/boston-housing/infer"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inputs":[{"name":"x","shape":[1,6],"datatype":"FP64","data":[0,6.575,296.0,15.3,396.9,4.98]}]}'
