"""Demo notifications: what a person sees before any round has sent real reminders."""
from .services import notify


def seed(context):
    for user in context["people"].values():
        notify(user, "demo:welcome", "Chào mừng đến với Cổng kiểm tra cải cách hành chính",
               "Tại đây bạn xem các nội dung mình phụ trách, nộp báo cáo tự kiểm tra kèm tài liệu "
               "kiểm chứng và nhận nhắc việc trước hạn nộp.", url="/", email=False)
        notify(user, "demo:password", "Hãy đổi mật khẩu tài khoản mẫu",
               "Tài khoản mẫu dùng chung một mật khẩu; hãy đổi sang mật khẩu của riêng bạn.",
               url="/tai-khoan/mat-khau", email=False)
