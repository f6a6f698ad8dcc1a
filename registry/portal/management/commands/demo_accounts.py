from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from registry.portal.seeding import demo_accounts_spec


class Command(BaseCommand):
    help = "Print the demo sign-in accounts (only in DEMO_MODE)."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            self.stdout.write("Demo mode is off: there are no demo accounts.")
            return
        User = get_user_model()
        self.stdout.write(f"  Tài khoản thử (mật khẩu chung: {settings.DEMO_PASSWORD}):")
        for spec in demo_accounts_spec():
            login = str(spec["card"]) if spec.get("card") else spec["username"]
            username = f"dv{login}" if spec.get("card") else login
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"    {login:<16} {spec.get('label', '')}")
        self.stdout.write(
            "  Bước đăng nhập thứ hai (bí thư, phó bí thư, cán bộ, quản trị): trang nhập mã hiện"
            " mã hiện tại ở chế độ demo; hoặc mã dự phòng demo-0001 … demo-0010 (mỗi mã một lần);"
            " khóa ứng dụng xác thực: GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ."
        )
